package dev.trestle.cli;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.HistoryEntry;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The table views of the audit log and of a resource's history. Times are RFC 3339 in UTC to the
 * second; operations and outcomes are lowercase, as the {@code --operation}/{@code --outcome} flags
 * take them.
 */
public final class AuditTables {
  /** Longest MESSAGE shown in the audit table; longer ones end in an ellipsis. */
  static final int MAX_MESSAGE = 60;

  private AuditTables() {}

  /** TIME, PRINCIPAL, OP, OUTCOME, KIND, FQN, VERSION, MESSAGE. */
  public static String entries(List<AuditEntry> entries) {
    var table =
        new Table(
            List.of("TIME", "PRINCIPAL", "OP", "OUTCOME", "KIND", "FQN", "VERSION", "MESSAGE"));
    for (AuditEntry e : entries) {
      table.row(
          List.of(
              time(e.hasTime() ? e.getTime() : null),
              e.getPrincipal(),
              operation(e.getOperation()),
              outcome(e.getOutcome()),
              e.getKind(),
              e.getFqn(),
              e.getVersion() > 0 ? Long.toString(e.getVersion()) : "",
              truncate(
                  gitOrigin(e.getRequestId()) + RemoteErrors.oneLine(e.getMessage()),
                  MAX_MESSAGE)));
    }
    return table.render();
  }

  /** VERSION, TIME, PRINCIPAL, OP, SUMMARY; with {@code changes}, one line per field below. */
  public static String history(List<HistoryEntry> entries, boolean changes) {
    var table = new Table(List.of("VERSION", "TIME", "PRINCIPAL", "OP", "SUMMARY"));
    for (HistoryEntry e : entries) {
      table.row(
          List.of(
              Long.toString(e.getVersion()),
              time(e.hasTime() ? e.getTime() : null),
              e.getPrincipal(),
              operation(e.getOperation()),
              gitOrigin(e.getRequestId()) + RemoteErrors.oneLine(e.getSummary())),
          changes ? e.getChangesList().stream().map(AuditTables::changeLine).toList() : List.of());
    }
    return table.render();
  }

  /**
   * {@code path: before -> after}, values as JSON and {@code (none)} when absent; a change of the
   * whole resource (its creation or deletion, empty path) is {@code (whole resource)}.
   */
  public static String changeLine(FieldChange c) {
    String path = c.getPath().isEmpty() ? "(whole resource)" : c.getPath();
    return "    " + path + ": " + value(c.getBefore()) + " -> " + value(c.getAfter());
  }

  /**
   * {@code [git SHA12 PATH] } for a change a GitOps source made (its request id is {@code
   * git:SHA:PATH}, docs/gitops.md); empty for any other request.
   */
  static String gitOrigin(String requestId) {
    if (!requestId.startsWith("git:")) {
      return "";
    }
    String[] parts = requestId.split(":", 3);
    if (parts.length < 3 || parts[1].length() < 12) {
      return "";
    }
    return "[git " + parts[1].substring(0, 12) + " " + parts[2] + "] ";
  }

  /** {@code 2026-01-31T12:00:05Z}; empty for an unset time. */
  public static String time(Timestamp t) {
    if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) {
      return "";
    }
    return DateTimeFormatter.ISO_INSTANT.format(
        Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).truncatedTo(ChronoUnit.SECONDS));
  }

  static String operation(AuditOperation op) {
    return op == AuditOperation.AUDIT_OPERATION_UNSPECIFIED
        ? ""
        : op.name().toLowerCase(Locale.ROOT);
  }

  static String outcome(AuditOutcome outcome) {
    return outcome == AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED
        ? ""
        : outcome.name().toLowerCase(Locale.ROOT);
  }

  static String truncate(String s, int max) {
    if (s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }

  private static String value(String json) {
    return json == null || json.isEmpty() ? "(none)" : json;
  }
}
