package dev.trestle.audit;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A validated audit query: every user-supplied value checked here and later bound as a JDBC
 * parameter, never spliced into SQL.
 */
public record AuditFilter(
    String resource,
    boolean recursive,
    String principal,
    String kind,
    String operation,
    String outcome,
    Long sinceMicros,
    Long untilMicros,
    String text,
    int pageSize,
    long afterTimeMicros,
    long afterId,
    String sinceAsTyped,
    String untilAsTyped) {

  public static final int DEFAULT_PAGE_SIZE = 50;
  public static final int MAX_PAGE_SIZE = 1000;
  private static final Set<String> OPERATIONS =
      Set.of(
          "CREATE",
          "UPDATE",
          "DELETE",
          "APPLY",
          "EDGE_CONNECT",
          "EDGE_DISCONNECT",
          "HEALTH",
          "NACK",
          "SERVICE_HEALTH",
          "ROLLOUT",
          "READ");
  private static final Set<String> OUTCOMES = Set.of(AuditRow.ACCEPTED, AuditRow.REFUSED);

  /** Audited kinds that are not configuration kinds. */
  private static final List<String> IAM_KINDS =
      List.of("AccessBindings", "User", "ServiceAccount", "Role");

  /** Raw request values; empty strings mean "no filter". */
  public record Request(
      String resource,
      boolean recursive,
      String principal,
      String kind,
      String operation,
      String outcome,
      String since,
      String until,
      String text,
      int pageSize,
      String pageToken) {}

  public static AuditFilter parse(Request r, Clock clock) {
    String resource = blankToNull(r.resource());
    if (resource != null) {
      try {
        Fqn fqn = Fqn.parse(resource);
        resource = fqn.isRoot() ? null : fqn.toString();
      } catch (IllegalArgumentException e) {
        throw invalid("resource", e.getMessage());
      }
    }
    if (r.recursive() && resource == null) {
      // recursive from the root is everything: no filter needed
    }
    String principal = blankToNull(r.principal());
    if (principal != null && principal.length() > 256) {
      throw invalid("principal", "is longer than 256 characters");
    }
    String kind = blankToNull(r.kind());
    if (kind != null) {
      String typed = kind;
      kind =
          Kind.lookup(typed)
              .map(Kind::kindName)
              .or(() -> IAM_KINDS.stream().filter(k -> k.equalsIgnoreCase(typed)).findFirst())
              .orElseThrow(
                  () ->
                      invalid(
                          "kind",
                          "unknown kind '"
                              + typed
                              + "'; one of "
                              + Kind.acceptedNames()
                              + ", "
                              + String.join(", ", IAM_KINDS)));
    }
    String operation = upperOrNull(r.operation());
    if (operation != null && !OPERATIONS.contains(operation)) {
      throw invalid("operation", "'" + r.operation() + "' is not one of " + sorted(OPERATIONS));
    }
    String outcome = upperOrNull(r.outcome());
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      throw invalid("outcome", "'" + r.outcome() + "' is not one of " + sorted(OUTCOMES));
    }
    Long since = instant("since", r.since(), clock);
    Long until = instant("until", r.until(), clock);
    if (since != null && until != null && since > until) {
      throw invalid("since", "is after until");
    }
    String text = blankToNull(r.text());
    if (text != null && text.length() > 256) {
      throw invalid("text", "is longer than 256 characters");
    }
    if (r.pageSize() < 0 || r.pageSize() > MAX_PAGE_SIZE) {
      throw invalid("pageSize", "must be between 1 and " + MAX_PAGE_SIZE + ", was " + r.pageSize());
    }
    int size = r.pageSize() == 0 ? DEFAULT_PAGE_SIZE : r.pageSize();
    var filter =
        new AuditFilter(
            resource,
            r.recursive() && resource != null,
            principal,
            kind,
            operation,
            outcome,
            since,
            until,
            text,
            size,
            Long.MAX_VALUE,
            Long.MAX_VALUE,
            blankToNull(r.since()),
            blankToNull(r.until()));
    return filter.after(r.pageToken());
  }

  /** Positions the filter after the row a page token names; the token must match the filter. */
  private AuditFilter after(String token) {
    if (token == null || token.isEmpty()) {
      return this;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = decoded.split(":");
      if (parts.length != 6 || !parts[0].equals("a2")) {
        throw new IllegalArgumentException();
      }
      long time = Long.parseLong(parts[1]);
      long id = Long.parseLong(parts[2]);
      boolean sameFilters = parts[3].equals(Integer.toHexString(fingerprint()));
      if (!sameFilters) {
        return mismatchedToken();
      }
      // A relative window ("7d") is resolved once, on the first page, and carried in the token.
      Long since = parts[4].equals("-") ? null : Long.valueOf(parts[4]);
      Long until = parts[5].equals("-") ? null : Long.valueOf(parts[5]);
      return new AuditFilter(
          resource,
          recursive,
          principal,
          kind,
          operation,
          outcome,
          since,
          until,
          text,
          pageSize,
          time,
          id,
          sinceAsTyped,
          untilAsTyped);
    } catch (IllegalArgumentException e) {
      throw invalid("pageToken", "is not a token returned by a previous audit query");
    }
  }

  private static AuditFilter mismatchedToken() {
    throw invalid(
        "pageToken", "was issued for a query with other filters; repeat the same filters");
  }

  public String tokenAfter(AuditRow last) {
    return tokenAt(new AuditStore.Position(last.timeMicros(), last.id()));
  }

  /**
   * A token that continues strictly after {@code position} in (time, id) order: after the last row
   * of a full page, or after the last row a budget-limited scan examined.
   */
  public String tokenAt(AuditStore.Position position) {
    String text =
        "a2:"
            + position.timeMicros()
            + ":"
            + position.id()
            + ":"
            + Integer.toHexString(fingerprint())
            + ":"
            + (sinceMicros == null ? "-" : sinceMicros)
            + ":"
            + (untilMicros == null ? "-" : untilMicros);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private int fingerprint() {
    return Objects.hash(
        resource,
        recursive,
        principal,
        kind,
        operation,
        outcome,
        sinceAsTyped,
        untilAsTyped,
        text,
        pageSize);
  }

  private static Long instant(String field, String value, Clock clock) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    try {
      Instant instant = OffsetDateTime.parse(v).toInstant();
      return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    } catch (DateTimeParseException notRfc3339) {
      var ago =
          v.endsWith("d") && v.substring(0, v.length() - 1).matches("\\d{1,5}")
              ? java.util.Optional.of(
                  java.time.Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1))))
              : Durations.parse(v);
      if (ago.isEmpty()) {
        throw invalid(
            field,
            "'"
                + v
                + "' is neither an RFC 3339 time (2026-01-31T12:00:00Z) nor a duration (15m, 1h,"
                + " 7d)");
      }
      Instant instant = clock.instant().minus(ago.get());
      return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String upperOrNull(String s) {
    String v = blankToNull(s);
    return v == null ? null : v.toUpperCase(Locale.ROOT);
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  static ProblemException invalid(String field, String description) {
    return new ProblemException(Problem.invalidField(field, description));
  }
}
