package dev.trestle.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class on PostgreSQL: its {@link TestStorage} parameters are a fresh PostgreSQL
 * database instead of H2. Put it on a subclass of an H2 test class
 * ({@code @ExtendWith(StorageSelection.class)}) to run the same tests on both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OnPostgres {}
