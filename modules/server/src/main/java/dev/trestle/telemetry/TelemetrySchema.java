package dev.trestle.telemetry;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The telemetry tables (docs/telemetry.md, "Storage"). Re-runnable DDL that H2 and PostgreSQL both
 * accept; each statement is a migration step, never edited once shipped (add new steps instead).
 *
 * <ul>
 *   <li>{@code trestle_telemetry_series}: one row per series identity (reporting cluster, source,
 *       destination, response class), keyed by a 64-bit hash of it, so the time rows stay narrow.
 *   <li>{@code trestle_telemetry_minute} / {@code _hour}: counters per series per minute (the
 *       edge's 30 s windows summed) and per hour (rolled up from the minutes); latency as the
 *       non-cumulative counts of {@link LatencyBuckets#BOUNDS_MS} in columns {@code b00..b19}, so
 *       sums happen in SQL.
 *   <li>{@code trestle_telemetry_window}: the windows stored, per (cluster, agent instance, window
 *       start): a resend after an outage is recognised and not counted twice.
 *   <li>{@code trestle_telemetry_rollup}: the hours whose rollup is current.
 * </ul>
 */
public final class TelemetrySchema {
  static final String SERIES = "trestle_telemetry_series";
  static final String MINUTE = "trestle_telemetry_minute";
  static final String HOUR = "trestle_telemetry_hour";
  static final String WINDOW = "trestle_telemetry_window";
  static final String ROLLUP = "trestle_telemetry_rollup";

  /** The counter columns of a time row, in the order {@link SeriesCounters} binds them. */
  static final List<String> COUNTERS = counters();

  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE IF NOT EXISTS "
              + SERIES
              + " ("
              + " id BIGINT PRIMARY KEY,"
              + " org VARCHAR(63) NOT NULL,"
              + " cluster VARCHAR(63) NOT NULL,"
              + " src_workload VARCHAR(253) NOT NULL,"
              + " src_namespace VARCHAR(63) NOT NULL,"
              + " src_cluster VARCHAR(63) NOT NULL,"
              + " dst_service VARCHAR(253) NOT NULL,"
              + " dst_namespace VARCHAR(63) NOT NULL,"
              + " dst_cluster VARCHAR(63) NOT NULL,"
              + " response_class VARCHAR(8) NOT NULL)",
          "CREATE INDEX IF NOT EXISTS trestle_telemetry_series_dst_idx ON "
              + SERIES
              + " (org, dst_service)",
          timeTable(MINUTE, "minute_s"),
          "CREATE INDEX IF NOT EXISTS trestle_telemetry_minute_time_idx ON "
              + MINUTE
              + " (minute_s)",
          timeTable(HOUR, "hour_s"),
          "CREATE INDEX IF NOT EXISTS trestle_telemetry_hour_time_idx ON " + HOUR + " (hour_s)",
          "CREATE TABLE IF NOT EXISTS "
              + WINDOW
              + " ("
              + " cluster VARCHAR(255) NOT NULL,"
              + " agent_instance VARCHAR(128) NOT NULL,"
              + " window_start_s BIGINT NOT NULL,"
              + " PRIMARY KEY (cluster, agent_instance, window_start_s))",
          "CREATE INDEX IF NOT EXISTS trestle_telemetry_window_time_idx ON "
              + WINDOW
              + " (window_start_s)",
          "CREATE TABLE IF NOT EXISTS " + ROLLUP + " (hour_s BIGINT PRIMARY KEY)");

  private TelemetrySchema() {}

  public static void migrate(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      for (String sql : MIGRATIONS) {
        st.execute(sql);
      }
    }
  }

  private static String timeTable(String table, String timeColumn) {
    var columns = new StringBuilder();
    for (String c : COUNTERS) {
      columns
          .append(" ")
          .append(c)
          .append(c.equals("latency_sum_ms") ? " DOUBLE PRECISION" : " BIGINT")
          .append(" NOT NULL,");
    }
    return "CREATE TABLE IF NOT EXISTS "
        + table
        + " ("
        + " series_id BIGINT NOT NULL,"
        + " "
        + timeColumn
        + " BIGINT NOT NULL,"
        + columns
        + " PRIMARY KEY (series_id, "
        + timeColumn
        + "))";
  }

  private static List<String> counters() {
    var out = new ArrayList<String>();
    out.addAll(
        List.of(
            "requests",
            "latency_sum_ms",
            "request_bytes",
            "response_bytes",
            "tcp_opened",
            "tcp_sent_bytes",
            "tcp_received_bytes"));
    for (int i = 0; i < LatencyBuckets.COUNT; i++) {
      out.add(String.format("b%02d", i));
    }
    return List.copyOf(out);
  }
}
