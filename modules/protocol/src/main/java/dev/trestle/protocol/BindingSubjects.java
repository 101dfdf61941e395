package dev.trestle.protocol;

import java.util.regex.Pattern;

/**
 * Subjects an access binding may name besides local principals ({@code users/NAME}, {@code
 * serviceaccounts/NAME}): {@code group:NAME}, a group from an OpenID Connect token, and {@code
 * PREFIX:ID}, a principal authenticated by such a token ({@code oidc:1234}). The server and the CLI
 * both check subjects with this rule.
 */
public final class BindingSubjects {
  /** The subject naming group NAME. */
  public static final String GROUP_PREFIX = "group:";

  /** A prefix (lower-case letters, digits, '-', then ':') and an id or name. */
  private static final Pattern EXTERNAL =
      Pattern.compile("[a-z][a-z0-9-]{0,30}:[A-Za-z0-9._@:+=/-]{1,200}");

  /** A claim value usable after a prefix: an OIDC subject or group name. */
  private static final Pattern CLAIM_VALUE = Pattern.compile("[A-Za-z0-9._@:+=/-]{1,200}");

  private BindingSubjects() {}

  public static boolean isExternal(String subject) {
    return subject != null && EXTERNAL.matcher(subject).matches();
  }

  public static boolean isClaimValue(String value) {
    return value != null && CLAIM_VALUE.matcher(value).matches();
  }
}
