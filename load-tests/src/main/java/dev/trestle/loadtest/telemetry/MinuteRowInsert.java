package dev.trestle.loadtest.telemetry;

import dev.trestle.storage.StorageSettings;
import java.sql.Connection;
import java.util.Locale;

/**
 * The in-run physical limit beside telemetry ingest: plain batched INSERTs of rows shaped like
 * {@code trestle_telemetry_minute} (series id, minute, 27 counters; primary key (series_id,
 * minute_s)) into a scratch table of the same database, {@code batch} rows per commit. Ingest does
 * more per series (the series identity, the window ledger, an update of a minute row already
 * there), so its series/s stays below this.
 */
record MinuteRowInsert(long rows, int batch, double seconds, double rowsPerSecond) {
  private static final String TABLE = "bench_telemetry_minute_raw";
  private static final int COUNTERS = 27;

  static MinuteRowInsert run(StorageSettings storage, long rows, int batch) throws Exception {
    try (Connection c = storage.openConnection()) {
      var columns = new StringBuilder();
      var marks = new StringBuilder("?, ?");
      for (int i = 0; i < COUNTERS; i++) {
        columns.append(String.format(Locale.ROOT, " c%02d BIGINT NOT NULL,", i));
        marks.append(", ?");
      }
      try (var st = c.createStatement()) {
        st.execute("DROP TABLE IF EXISTS " + TABLE);
        st.execute(
            "CREATE TABLE "
                + TABLE
                + " (series_id BIGINT NOT NULL, minute_s BIGINT NOT NULL,"
                + columns
                + " PRIMARY KEY (series_id, minute_s))");
      }
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      long done = 0;
      try (var ps = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (" + marks + ")")) {
        while (done < rows) {
          for (int i = 0; i < batch && done < rows; i++, done++) {
            // spread like hashed series ids: the index sees random keys, as in ingest
            ps.setLong(1, done * 0x9E3779B97F4A7C15L);
            ps.setLong(2, 1_700_000_000L + (done % 8) * 60);
            for (int k = 0; k < COUNTERS; k++) {
              ps.setLong(3 + k, done + k);
            }
            ps.addBatch();
          }
          ps.executeBatch();
          c.commit();
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      try (var st = c.createStatement()) {
        st.execute("DROP TABLE " + TABLE);
      }
      c.commit();
      return new MinuteRowInsert(
          done, batch, Math.round(s * 1000) / 1000.0, Math.round(done / s * 10) / 10.0);
    }
  }
}
