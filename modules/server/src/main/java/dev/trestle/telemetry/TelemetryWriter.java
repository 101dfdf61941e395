package dev.trestle.telemetry;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Writes batches of windows in one transaction each: the window ledger first (a window already
 * there is a duplicate and adds nothing), then the series dictionary, then each (series, minute)
 * row, added to the row in place when it exists. Two central nodes inserting the same new row at
 * once make one transaction fail on the primary key; it is retried and then adds to the other's
 * row. A window for an hour whose rollup was already made marks that hour for a new rollup.
 */
final class TelemetryWriter implements WindowWriter {
  private static final int ATTEMPTS = 3;

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration rollupDelay;
  // Series ids known to be in the dictionary: saves a statement per series per batch.
  private final KnownSeries knownSeries = new KnownSeries();

  TelemetryWriter(DataSource dataSource, Clock clock, Duration rollupDelay) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.rollupDelay = rollupDelay;
  }

  @Override
  public List<IncomingWindow.Outcome> write(List<IncomingWindow> batch) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          var written = writeIn(c, batch);
          c.commit();
          written.newSeries().forEach(knownSeries::add);
          return written.outcomes();
        } catch (SQLException e) {
          c.rollback();
          if (attempt >= ATTEMPTS || !isUniqueViolation(e)) {
            throw e;
          }
        } finally {
          c.setAutoCommit(true);
        }
      }
    }
  }

  private record Written(List<IncomingWindow.Outcome> outcomes, Set<Long> newSeries) {}

  private Written writeIn(Connection c, List<IncomingWindow> batch) throws SQLException {
    var outcomes = ledger(c, batch);
    Map<Long, SeriesKey> keys = new HashMap<>();
    Map<RowKey, SeriesCounters> rows = new LinkedHashMap<>();
    Set<Long> hours = new TreeSet<>();
    for (int i = 0; i < batch.size(); i++) {
      if (outcomes.get(i) != IncomingWindow.Outcome.STORED) {
        continue;
      }
      IncomingWindow w = batch.get(i);
      long minute = w.minute();
      hours.add(Math.floorDiv(minute, 3600) * 3600);
      for (IncomingWindow.Series s : w.series()) {
        long id = s.key().id();
        keys.putIfAbsent(id, s.key());
        rows.computeIfAbsent(new RowKey(id, minute), k -> new SeriesCounters()).add(s.counters());
      }
    }
    Set<Long> inserted = insertSeries(c, keys);
    upsertMinutes(c, rows);
    markLateHours(c, hours);
    return new Written(outcomes, inserted);
  }

  private record RowKey(long seriesId, long minute) {}

  private static List<IncomingWindow.Outcome> ledger(Connection c, List<IncomingWindow> batch)
      throws SQLException {
    String sql =
        "INSERT INTO "
            + TelemetrySchema.WINDOW
            + " (cluster, agent_instance, window_start_s) SELECT ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM "
            + TelemetrySchema.WINDOW
            + " WHERE cluster = ? AND agent_instance = ? AND window_start_s = ?)";
    var out = new ArrayList<IncomingWindow.Outcome>(batch.size());
    // One statement each, not a JDBC batch: a window repeated inside the batch must see the
    // first one's row.
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (IncomingWindow w : batch) {
        ps.setString(1, w.cluster());
        ps.setString(2, w.agentInstance());
        ps.setLong(3, w.startSeconds());
        ps.setString(4, w.cluster());
        ps.setString(5, w.agentInstance());
        ps.setLong(6, w.startSeconds());
        out.add(
            ps.executeUpdate() == 1
                ? IncomingWindow.Outcome.STORED
                : IncomingWindow.Outcome.DUPLICATE);
      }
    }
    return out;
  }

  private Set<Long> insertSeries(Connection c, Map<Long, SeriesKey> keys) throws SQLException {
    Set<Long> fresh = new TreeSet<>();
    String sql =
        "INSERT INTO "
            + TelemetrySchema.SERIES
            + " (id, org, cluster, src_workload, src_namespace, src_cluster, dst_service,"
            + " dst_namespace, dst_cluster, response_class) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            + " WHERE NOT EXISTS (SELECT 1 FROM "
            + TelemetrySchema.SERIES
            + " WHERE id = ?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (var e : keys.entrySet()) {
        if (knownSeries.contains(e.getKey())) {
          continue;
        }
        SeriesKey k = e.getValue();
        ps.setLong(1, e.getKey());
        ps.setString(2, k.org());
        ps.setString(3, k.cluster());
        ps.setString(4, k.srcWorkload());
        ps.setString(5, k.srcNamespace());
        ps.setString(6, k.srcCluster());
        ps.setString(7, k.dstService());
        ps.setString(8, k.dstNamespace());
        ps.setString(9, k.dstCluster());
        ps.setString(10, k.responseClass());
        ps.setLong(11, e.getKey());
        ps.addBatch();
        fresh.add(e.getKey());
      }
      if (!fresh.isEmpty()) {
        ps.executeBatch();
      }
    }
    return fresh;
  }

  private static void upsertMinutes(Connection c, Map<RowKey, SeriesCounters> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    var set = new StringBuilder();
    for (String col : TelemetrySchema.COUNTERS) {
      set.append(set.length() == 0 ? "" : ", ")
          .append(col)
          .append(" = ")
          .append(col)
          .append(" + ?");
    }
    String update =
        "UPDATE "
            + TelemetrySchema.MINUTE
            + " SET "
            + set
            + " WHERE series_id = ? AND minute_s = ?";
    var entries = new ArrayList<>(rows.entrySet());
    int[] counts;
    try (PreparedStatement ps = c.prepareStatement(update)) {
      for (var e : entries) {
        int next = e.getValue().bind(ps, 1);
        ps.setLong(next, e.getKey().seriesId());
        ps.setLong(next + 1, e.getKey().minute());
        ps.addBatch();
      }
      counts = ps.executeBatch();
    }
    String insert =
        "INSERT INTO "
            + TelemetrySchema.MINUTE
            + " (series_id, minute_s, "
            + String.join(", ", TelemetrySchema.COUNTERS)
            + ") VALUES (?, ?"
            + ", ?".repeat(TelemetrySchema.COUNTERS.size())
            + ")";
    boolean any = false;
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (int i = 0; i < entries.size(); i++) {
        if (counts[i] > 0) {
          continue;
        }
        var e = entries.get(i);
        ps.setLong(1, e.getKey().seriesId());
        ps.setLong(2, e.getKey().minute());
        e.getValue().bind(ps, 3);
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  /** Hours already due for rollup get it again (it recomputes them from the minutes). */
  private void markLateHours(Connection c, Set<Long> hours) throws SQLException {
    long due = clock.instant().minus(rollupDelay).getEpochSecond();
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + TelemetrySchema.ROLLUP + " WHERE hour_s = ?")) {
      boolean any = false;
      for (long hour : hours) {
        if (hour + 3600 <= due) {
          ps.setLong(1, hour);
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }

  static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
      if (t instanceof BatchUpdateException b && b.getNextException() != null) {
        if ("23505".equals(b.getNextException().getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }
}
