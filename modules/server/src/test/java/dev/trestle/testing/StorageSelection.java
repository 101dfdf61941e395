package dev.trestle.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link TestStorage} parameters (of {@code @BeforeAll}, {@code @BeforeEach} or test
 * methods): H2, or PostgreSQL when the running class is annotated {@link OnPostgres}. One
 * TestStorage per test class, closed (its databases dropped) after the class.
 */
public final class StorageSelection implements ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(StorageSelection.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestStorage.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext
        .getStore(NS)
        .getOrComputeIfAbsent(
            TestStorage.class,
            k ->
                testClass.isAnnotationPresent(OnPostgres.class)
                    ? TestStorage.postgres(testClass.getSimpleName())
                    : TestStorage.h2(),
            TestStorage.class);
  }
}
