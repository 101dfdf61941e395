package dev.trestle.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic housekeeping of the telemetry tables: rolls every hour that ended at least {@code
 * rollup-delay} ago and is not marked current into the hour table (recomputed from its minutes, so
 * running it twice changes nothing), then deletes minutes, hours and window-ledger rows past their
 * retention. Runs on one node at a time per database only by accident of scheduling; both steps are
 * safe to run concurrently (the rollup replaces an hour in one transaction).
 */
final class TelemetryRollup implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryRollup.class);

  /** Hours rolled per run at most (a first run after a long stop catches up over several runs). */
  private static final int HOURS_PER_RUN = 72;

  private final DataSource dataSource;
  private final TelemetrySettings settings;
  private final Clock clock;

  TelemetryRollup(DataSource dataSource, TelemetrySettings settings, Clock clock) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      int rolled = rollUp();
      long deleted = sweep();
      if (rolled > 0 || deleted > 0) {
        LOG.info(
            "telemetry: rolled up {} hour(s), removed {} row(s) past retention", rolled, deleted);
      }
    } catch (SQLException e) {
      LOG.warn("telemetry rollup/retention failed: {}", e.toString());
    }
  }

  /** Rolls the hours that are due and not current; the number rolled. */
  int rollUp() throws SQLException {
    long now = clock.instant().getEpochSecond();
    long lastDue = Math.floorDiv(now - settings.rollupDelay().toSeconds(), 3600) * 3600 - 3600;
    long first = Math.floorDiv(now - settings.minuteRetention().toSeconds(), 3600) * 3600 + 3600;
    List<Long> due = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement done =
            c.prepareStatement(
                "SELECT hour_s FROM " + TelemetrySchema.ROLLUP + " WHERE hour_s >= ?")) {
      done.setLong(1, first);
      var current = new HashSet<Long>();
      try (ResultSet rs = done.executeQuery()) {
        while (rs.next()) {
          current.add(rs.getLong(1));
        }
      }
      for (long h = first; h <= lastDue && due.size() < HOURS_PER_RUN; h += 3600) {
        if (!current.contains(h)) {
          due.add(h);
        }
      }
    }
    for (long hour : due) {
      rollHour(hour);
    }
    return due.size();
  }

  private void rollHour(long hour) throws SQLException {
    String sums =
        TelemetrySchema.COUNTERS.stream()
            .map(col -> "SUM(" + col + ")")
            .collect(Collectors.joining(", "));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement del =
            c.prepareStatement("DELETE FROM " + TelemetrySchema.HOUR + " WHERE hour_s = ?")) {
          del.setLong(1, hour);
          del.executeUpdate();
        }
        try (PreparedStatement ins =
            c.prepareStatement(
                "INSERT INTO "
                    + TelemetrySchema.HOUR
                    + " (series_id, hour_s, "
                    + String.join(", ", TelemetrySchema.COUNTERS)
                    + ") SELECT series_id, ?, "
                    + sums
                    + " FROM "
                    + TelemetrySchema.MINUTE
                    + " WHERE minute_s >= ? AND minute_s < ? GROUP BY series_id")) {
          ins.setLong(1, hour);
          ins.setLong(2, hour);
          ins.setLong(3, hour + 3600);
          ins.executeUpdate();
        }
        try (PreparedStatement mark =
            c.prepareStatement(
                "INSERT INTO "
                    + TelemetrySchema.ROLLUP
                    + " (hour_s) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM "
                    + TelemetrySchema.ROLLUP
                    + " WHERE hour_s = ?)")) {
          mark.setLong(1, hour);
          mark.setLong(2, hour);
          mark.executeUpdate();
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Deletes rows past retention; the number of rows deleted. */
  long sweep() throws SQLException {
    long now = clock.instant().getEpochSecond();
    long minuteCutoff = now - settings.minuteRetention().toSeconds();
    long hourCutoff = now - settings.hourRetention().toSeconds();
    long deleted = 0;
    try (Connection c = dataSource.getConnection()) {
      deleted += deleteBefore(c, TelemetrySchema.MINUTE, "minute_s", minuteCutoff);
      deleted += deleteBefore(c, TelemetrySchema.WINDOW, "window_start_s", minuteCutoff);
      deleted += deleteBefore(c, TelemetrySchema.HOUR, "hour_s", hourCutoff);
      deleted += deleteBefore(c, TelemetrySchema.ROLLUP, "hour_s", minuteCutoff - 3600);
    }
    return deleted;
  }

  private static long deleteBefore(Connection c, String table, String column, long cutoff)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + table + " WHERE " + column + " < ?")) {
      ps.setLong(1, cutoff);
      return ps.executeUpdate();
    }
  }
}
