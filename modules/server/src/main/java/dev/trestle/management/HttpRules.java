package dev.trestle.management;

import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.Retries;
import dev.trestle.protocol.v1.StringMatch;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** HTTP rules shared by routes, gateways and authorization rules: matches, methods, retries. */
final class HttpRules {
  static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");
  private static final Set<String> RETRY_ON =
      Set.of(
          "5xx",
          "gateway-error",
          "reset",
          "connect-failure",
          "retriable-4xx",
          "refused-stream",
          "retriable-status-codes",
          "cancelled",
          "deadline-exceeded",
          "internal",
          "resource-exhausted",
          "unavailable");

  private HttpRules() {}

  static void match(Checks c, String field, HttpMatch m) {
    if (m.hasUri()) {
      stringMatch(c, field + ".uri", m.getUri());
      if (m.getUri().hasPrefix() && !m.getUri().getPrefix().startsWith("/")) {
        c.add(field + ".uri.prefix", "must start with '/'");
      }
    }
    m.getHeadersMap().forEach((k, v) -> stringMatch(c, field + ".headers." + k, v));
    if (!m.getMethod().isEmpty() && !HTTP_METHODS.contains(m.getMethod())) {
      c.add(
          field + ".method",
          "'" + m.getMethod() + "' is not one of " + Checks.sorted(HTTP_METHODS));
    }
    c.port(field + ".port", m.getPort(), false);
  }

  private static void stringMatch(Checks c, String field, StringMatch m) {
    switch (m.getMatchCase()) {
      case MATCH_NOT_SET -> c.add(field, "needs one of exact, prefix or regex");
      case REGEX -> {
        try {
          Pattern.compile(m.getRegex());
        } catch (PatternSyntaxException e) {
          c.add(field + ".regex", "is not a valid regular expression: " + e.getDescription());
        }
      }
      default -> {}
    }
  }

  static void retries(Checks c, String field, Retries r) {
    if (r.getAttempts() < 0 || r.getAttempts() > 100) {
      c.add(field + ".attempts", "must be between 0 and 100");
    }
    c.duration(field + ".perTryTimeout", r.getPerTryTimeout());
    for (int i = 0; i < r.getRetryOnCount(); i++) {
      if (!RETRY_ON.contains(r.getRetryOn(i)) && !r.getRetryOn(i).matches("[1-5][0-9]{2}")) {
        c.add(
            field + ".retryOn[" + i + "]",
            "'"
                + r.getRetryOn(i)
                + "' is not one of "
                + Checks.sorted(RETRY_ON)
                + " or an HTTP status");
      }
    }
  }
}
