package dev.trestle.cli;

import dev.trestle.protocol.BindingSubjects;
import dev.trestle.protocol.Fqn;
import java.util.regex.Pattern;

/** Principal names and binding targets as typed on the command line. */
final class IamNames {
  static final String USERS = "users/";
  static final String SERVICE_ACCOUNTS = "serviceaccounts/";
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private IamNames() {}

  /** An FQN to check or bind on; {@code /} or {@code ""} is the root (sent as ""). */
  static String target(ClientCommand command, String text) {
    String t = text == null ? "" : text.strip();
    if (t.matches("/*")) {
      return "";
    }
    try {
      return Fqn.parse(t).toString();
    } catch (IllegalArgumentException e) {
      throw command.usage(e.getMessage());
    }
  }

  /** {@code the root} for "", else the FQN. */
  static String label(String fqn) {
    return fqn.isEmpty() ? "the root" : fqn;
  }

  /** {@code users/NAME} or {@code serviceaccounts/NAME}, NAME a DNS-1123 label. */
  /** A binding subject: a principal, {@code group:NAME} or an external {@code PREFIX:ID}. */
  static String subject(ClientCommand command, String what, String text) {
    String t = text == null ? "" : text.strip();
    if (BindingSubjects.isExternal(t)) {
      return t;
    }
    return principal(command, what, t);
  }

  static String principal(ClientCommand command, String what, String text) {
    String t = text == null ? "" : text.strip();
    String name =
        t.startsWith(USERS)
            ? t.substring(USERS.length())
            : t.startsWith(SERVICE_ACCOUNTS) ? t.substring(SERVICE_ACCOUNTS.length()) : null;
    if (name == null) {
      throw command.usage(
          what
              + ": '"
              + t
              + "' is not a principal; write users/NAME or serviceaccounts/NAME"
              + (LABEL.matcher(t).matches() ? " (users/" + t + "?)" : ""));
    }
    if (!LABEL.matcher(name).matches()) {
      throw command.usage(
          what + ": '" + name + "' is not a DNS-1123 label (lowercase letters, digits, '-')");
    }
    return t;
  }

  /** NAME or {@code prefix}NAME, as {@code prefix}NAME. */
  static String named(ClientCommand command, String prefix, String text) {
    String t = text == null ? "" : text.strip();
    String name = t.startsWith(prefix) ? t.substring(prefix.length()) : t;
    if (!LABEL.matcher(name).matches()) {
      throw command.usage(
          "'" + name + "' is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)");
    }
    return prefix + name;
  }
}
