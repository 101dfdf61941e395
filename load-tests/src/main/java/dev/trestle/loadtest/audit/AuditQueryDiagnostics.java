package dev.trestle.loadtest.audit;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * After the measured phase: for the slowest call of each series, repeats it (up to 3 times) over
 * gRPC with H2's query statistics on, which captures the SQL the server really ran and its time
 * inside the database; then runs {@code EXPLAIN ANALYZE} on that SQL text with the call's values
 * bound, to show which index was used and how many rows were read ({@code scanCount}).
 *
 * <p>The SQL text comes from the server; only the order of the bound values mirrors {@code
 * dev.trestle.audit.AuditStore#query} (resource, principal, kind, operation, outcome, since, until,
 * text, page position, limit). A placeholder count that does not match is reported instead of a
 * plan.
 */
final class AuditQueryDiagnostics {
  private static final String AUDIT_SELECT = "SELECT id, event_time_us";
  private static final int REPEATS = 3;

  /** A call slower than this is not repeated again: once shows the shape, and time is bounded. */
  private static final double LONG_CALL_MS = 2_000;

  // H2 hands back the previous result of an identical deterministic query while no table changed,
  // which includes reads of INFORMATION_SCHEMA; a non-deterministic condition forces a fresh read.
  private static final String FRESH = " WHERE RAND() < 2";

  /** What one slow call looked like from the inside. */
  record Diagnosis(
      String series,
      String request,
      double measuredMs,
      List<Double> repeatedMs,
      Double dbAverageMs,
      Double dbMaxMs,
      String sql,
      List<String> values,
      String plan,
      String note) {}

  private AuditQueryDiagnostics() {}

  static List<Diagnosis> diagnose(
      dev.trestle.storage.StorageSettings storage,
      AuditQueryRunner runner,
      List<SeriesRecorder> series,
      int scanBudget)
      throws SQLException {
    var out = new ArrayList<Diagnosis>();
    try (Connection c = storage.openConnection()) {
      exec(c, "SET QUERY_STATISTICS TRUE");
      try {
        for (SeriesRecorder s : series) {
          var slow = s.slowest();
          if (slow == null) {
            continue;
          }
          out.add(diagnose(c, runner, s, slow, scanBudget));
        }
      } finally {
        exec(c, "SET QUERY_STATISTICS FALSE");
      }
    }
    return out;
  }

  private static Diagnosis diagnose(
      Connection c,
      AuditQueryRunner runner,
      SeriesRecorder s,
      AuditQueryRunner.Sample slow,
      int scanBudget)
      throws SQLException {
    Map<String, Long> before = statistics(c);
    var repeated = new ArrayList<Double>();
    for (int i = 0; i < REPEATS; i++) {
      double ms = runner.time(slow.request());
      repeated.add(round(ms));
      if (ms > LONG_CALL_MS) {
        break;
      }
    }
    String sql = null;
    Double avg = null;
    Double max = null;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT SQL_STATEMENT, EXECUTION_COUNT, AVERAGE_EXECUTION_TIME, MAX_EXECUTION_TIME"
                    + " FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                    + FRESH)) {
      while (rs.next()) {
        String text = rs.getString(1);
        long count = rs.getLong(2);
        if (text.startsWith(AUDIT_SELECT)
            && count - before.getOrDefault(text, 0L) >= repeated.size()) {
          sql = text;
          avg = round(rs.getDouble(3));
          max = round(rs.getDouble(4));
        }
      }
    }
    String request = describe(slow.request());
    double measured = round(slow.nanos() / 1e6);
    if (sql == null) {
      return new Diagnosis(
          s.label(),
          request,
          measured,
          repeated,
          null,
          null,
          null,
          List.of(),
          "",
          "the server's SQL was not found in INFORMATION_SCHEMA.QUERY_STATISTICS");
    }
    List<Object> values = values(slow, scanBudget);
    long placeholders = sql.chars().filter(ch -> ch == '?').count();
    var shown = values.stream().map(String::valueOf).toList();
    if (placeholders != values.size()) {
      return new Diagnosis(
          s.label(),
          request,
          measured,
          repeated,
          avg,
          max,
          sql,
          shown,
          "",
          "the SQL has "
              + placeholders
              + " placeholders, the mirrored values are "
              + values.size()
              + "; AuditStore changed, update AuditQueryDiagnostics.values");
    }
    // The statistics run above was on the timed path; the plan costs one more execution.
    String plan;
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        if (v instanceof Long l) {
          ps.setLong(i + 1, l);
        } else if (v instanceof Integer n) {
          ps.setInt(i + 1, n);
        } else {
          ps.setString(i + 1, (String) v);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        plan = rs.next() ? rs.getString(1) : "";
      }
    }
    return new Diagnosis(s.label(), request, measured, repeated, avg, max, sql, shown, plan, "");
  }

  /**
   * The values AuditStore binds, in its order, for this call. Conditions the walked index answers
   * (the leading equality columns of AuditStore.sortPrefix, and the time range) are "served"; the
   * others are "residual". Without residual conditions: served values, the page position (page 2
   * only) and page size + 1. With them (a budgeted scan): the residual values (a column of the
   * SELECT list), the served ones, the position and the size of the scan's first chunk; the plan
   * then shows that first chunk.
   */
  static List<Object> values(AuditQueryRunner.Sample s, int scanBudget) {
    AuditQueryRequest r = s.request();
    boolean exactResource = !r.getResource().isEmpty() && !r.getRecursive();
    boolean hasKind = !r.getKind().isEmpty();
    boolean hasOperation = r.getOperation() != AuditOperation.AUDIT_OPERATION_UNSPECIFIED;
    String prefix =
        exactResource
            ? "fqn"
            : !r.getPrincipal().isEmpty()
                ? "principal"
                : hasKind && hasOperation ? "kind,operation" : hasKind ? "kind" : "";
    var served = new ArrayList<Object>();
    var residual = new ArrayList<Object>();
    if (!r.getResource().isEmpty()) {
      if (r.getRecursive()) {
        residual.add(r.getResource());
        residual.add(escapeLike(r.getResource()) + "/%");
      } else {
        served.add(r.getResource());
      }
    }
    if (!r.getPrincipal().isEmpty()) {
      (prefix.equals("principal") ? served : residual).add(r.getPrincipal());
    }
    if (hasKind) {
      (prefix.startsWith("kind") ? served : residual)
          .add(Kind.lookup(r.getKind()).map(Kind::kindName).orElse(r.getKind()));
    }
    if (hasOperation) {
      (prefix.contains("operation") ? served : residual).add(r.getOperation().name());
    }
    if (r.getOutcome() != AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED) {
      residual.add(r.getOutcome().name());
    }
    if (!r.getSince().isEmpty()) {
      served.add(micros(r.getSince()));
    }
    if (!r.getUntil().isEmpty()) {
      served.add(micros(r.getUntil()));
    }
    if (!r.getText().isEmpty()) {
      residual.add("%" + escapeLike(r.getText()) + "%");
    }
    var v = new ArrayList<Object>(residual);
    v.addAll(served);
    if (residual.isEmpty()) {
      if (s.page() > 1) {
        v.add(s.afterTimeMicros());
        v.add(s.afterTimeMicros());
        v.add(s.afterId());
      }
      v.add(r.getPageSize() + 1);
      return v;
    }
    v.add(s.afterTimeMicros());
    v.add(s.afterTimeMicros());
    v.add(s.afterId());
    int chunk = Math.min(scanBudget, dev.trestle.audit.AuditStore.nextChunk(r.getPageSize(), 0, 0));
    v.add(chunk == scanBudget ? chunk + 1 : chunk);
    return v;
  }

  static String describe(AuditQueryRequest r) {
    var parts = new ArrayList<String>();
    if (!r.getResource().isEmpty()) {
      parts.add("resource=" + r.getResource() + (r.getRecursive() ? " (recursive)" : ""));
    }
    if (!r.getPrincipal().isEmpty()) {
      parts.add("principal=" + r.getPrincipal());
    }
    if (!r.getKind().isEmpty()) {
      parts.add("kind=" + r.getKind());
    }
    if (r.getOperation() != AuditOperation.AUDIT_OPERATION_UNSPECIFIED) {
      parts.add("operation=" + r.getOperation());
    }
    if (r.getOutcome() != AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED) {
      parts.add("outcome=" + r.getOutcome());
    }
    if (!r.getSince().isEmpty()) {
      parts.add("since=" + r.getSince());
    }
    if (!r.getText().isEmpty()) {
      parts.add("text=\"" + r.getText() + "\"");
    }
    parts.add("pageSize=" + r.getPageSize());
    if (!r.getPageToken().isEmpty()) {
      parts.add("pageToken=<page 1's>");
    }
    return String.join(", ", parts);
  }

  private static Map<String, Long> statistics(Connection c) throws SQLException {
    var counts = new HashMap<String, Long>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                    + FRESH)) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long micros(String rfc3339) {
    var i = OffsetDateTime.parse(rfc3339).toInstant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
