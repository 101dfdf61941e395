package dev.trestle.iam;

import dev.trestle.protocol.BindingSubjects;
import java.util.regex.Pattern;

/** Principal names: "users/NAME" or "serviceaccounts/NAME" with a DNS-1123 label. */
public final class Principals {
  private static final Pattern NAME =
      Pattern.compile("(users|serviceaccounts)/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private Principals() {}

  public static boolean isValid(String principal) {
    return principal != null && NAME.matcher(principal).matches();
  }

  /** A subject a binding may name: a local principal, {@code group:NAME} or {@code PREFIX:ID}. */
  public static boolean isBindingSubject(String subject) {
    return isValid(subject) || BindingSubjects.isExternal(subject);
  }
}
