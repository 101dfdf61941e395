package dev.trestle.loadtest.audit;

import dev.trestle.audit.AuditSchema;
import dev.trestle.loadtest.Progress;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fills {@code trestle_audit_log} with generated rows through batched, parameterized JDBC INSERTs
 * on one connection (one commit per batch), on the server's JDBC URL and with the server's own DDL
 * ({@link AuditSchema}). Not the product's write path (the audit projection writes one row per
 * journaled event); the fastest way to fill the table, and so a physical ceiling for it.
 *
 * <p>{@link #prefill} runs before the central node starts: the table first, the rows, then the
 * server's CREATE INDEX statements. Growing all five indexes row by row is far slower on H2 (random
 * keys, and with {@code WRITE_DELAY=0} every commit rewrites each touched index page), so {@link
 * #probe} measures that separately, on the full table, after the queries.
 *
 * <p>The loader assigns ids itself and moves the identity past them at the end: drawing them from
 * the identity flushes the sequence every 32 rows (H2's default identity cache), and each flush is
 * one more store commit.
 */
final class AuditBulkLoader {
  private static final String INSERT =
      "INSERT INTO trestle_audit_log (id, event_time_us, principal, operation, outcome, kind, fqn,"
          + " version, request_id, message, changes_json, source_pid, source_seq)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** The bulk load: insert time excludes generating rows; index time is the CREATE INDEX steps. */
  record LoadStats(
      long rows,
      int batchSize,
      double insertSeconds,
      double rowsPerSecondInsert,
      double indexSeconds,
      Map<String, Double> indexBuildSeconds,
      double wallSeconds,
      double rowsPerSecondOverall,
      long refusedRows,
      long distinctPrincipals,
      long firstTimeMicros,
      long lastTimeMicros) {}

  /** Rows inserted into the full, indexed table while the node runs. */
  record ProbeStats(
      String description,
      long tableRowsBefore,
      long rows,
      int batchSize,
      double seconds,
      double rowsPerSecond,
      boolean timeLimitReached) {}

  /** Journal sequence numbers of copy k are the original's plus k times this. */
  private static final long COPY_SEQ_STRIDE = 1_000_000_000_000L;

  private AuditBulkLoader() {}

  /**
   * Creates the table, loads the rows, then builds the server's indexes; before the node starts.
   */
  static LoadStats prefill(
      dev.trestle.storage.StorageSettings storage,
      AuditRowGenerator generator,
      long rows,
      int batchSize,
      int copies)
      throws SQLException {
    List<String> ddl = serverDdl();
    long start = System.nanoTime();
    try (Connection c = storage.openConnection()) {
      for (String sql : ddl) {
        if (!isIndex(sql)) {
          execute(c, sql);
        }
      }
      var insert = insert(c, generator, rows, batchSize, copies, Duration.ofDays(365), "load");
      var indexSeconds = new LinkedHashMap<String, Double>();
      double indexTotal = 0;
      for (String sql : ddl) {
        if (isIndex(sql)) {
          String name = sql.replaceAll("(?s).*INDEX IF NOT EXISTS (\\S+).*", "$1");
          System.err.print("[index] " + name + "… ");
          long t0 = System.nanoTime();
          execute(c, sql);
          double s = (System.nanoTime() - t0) / 1e9;
          System.err.printf("%.1fs%n", s);
          indexSeconds.put(name, Math.round(s * 10) / 10.0);
          indexTotal += s;
        }
      }
      double wall = (System.nanoTime() - start) / 1e9;
      return new LoadStats(
          rows,
          batchSize,
          round(insert.insertSeconds),
          round(rows / insert.insertSeconds),
          round(indexTotal),
          indexSeconds,
          round(wall),
          round(rows / wall),
          insert.refused,
          insert.principals.size(),
          insert.first,
          insert.last);
    }
  }

  /** Rows in the audit table of {@code storage}; 0 when the table does not exist yet. */
  static long rowsPresent(dev.trestle.storage.StorageSettings storage) throws SQLException {
    try (Connection c = storage.openConnection()) {
      try (ResultSet rs =
          c.getMetaData().getTables(null, null, AuditSchema.TABLE.toUpperCase(Locale.ROOT), null)) {
        if (!rs.next()) {
          return 0;
        }
      }
      return count(c);
    }
  }

  /**
   * A table loaded by an earlier run is measured again: the generator replays the rows it holds
   * (not inserted) so that the rows written afterwards continue the same resources' journal
   * sequence numbers instead of colliding with them. Load figures are zero (nothing was loaded).
   */
  static LoadStats reuse(AuditRowGenerator generator, long present, long loaded, int copies) {
    long refused = 0;
    var principals = new HashSet<String>();
    long replay = loaded / copies + Math.max(0, present - loaded);
    try (Progress progress = new Progress("replaying the generator", replay, "rows")) {
      for (long i = 0; i < replay; i++) {
        if (!generator.hasNext()) {
          // rows an earlier run added after its load (live rows, insert probes)
          generator.extend(replay - i, 1);
        }
        GeneratedRow r = generator.next();
        if (r.refused()) {
          refused++;
        }
        principals.add(r.row().principal());
        if (i % 100_000 == 0) {
          progress.update(i);
        }
      }
    }
    return new LoadStats(present, 0, 0, 0, 0, Map.of(), 0, 0, refused, principals.size(), 0, 0);
  }

  /** Inserts more rows into the live, fully indexed table; bounded by rows and by time. */
  static ProbeStats probe(
      dev.trestle.storage.StorageSettings storage,
      AuditRowGenerator generator,
      long rows,
      int batchSize,
      Duration limit)
      throws SQLException {
    try (Connection c = storage.openConnection()) {
      long before = count(c);
      var r =
          insert(
              c,
              generator,
              rows,
              batchSize,
              1,
              limit,
              batchSize == 1 ? "single-row commits" : "batched inserts");
      String what =
          batchSize == 1
              ? "one row per INSERT and commit (the audit projection's shape)"
              : "batches of " + batchSize + " rows per INSERT batch and commit";
      return new ProbeStats(
          what,
          before,
          r.rows,
          batchSize,
          round(r.insertSeconds),
          round(r.rows / r.insertSeconds),
          r.timedOut);
    }
  }

  private static final class Inserted {
    long rows;
    double insertSeconds;
    long refused;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    boolean timedOut;
    final HashSet<String> principals = new HashSet<>();
  }

  /**
   * Inserts {@code rows} rows: each generated row {@code copies} times, with consecutive ids, times
   * one microsecond apart and distinct journal sequence numbers (the same history {@code copies}
   * times as dense, for a table larger than the generator can fill in reasonable time; the copies
   * keep the order of ids and times, as rows appended by the projection do).
   */
  private static Inserted insert(
      Connection c,
      AuditRowGenerator generator,
      long rows,
      int batchSize,
      int copies,
      Duration limit,
      String phase)
      throws SQLException {
    var out = new Inserted();
    long id = maxId(c);
    long insertNanos = 0;
    long deadline = System.nanoTime() + limit.toNanos();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement(INSERT);
        Progress progress = new Progress(phase, rows, "rows")) {
      List<GeneratedRow> batch = new ArrayList<>(batchSize);
      while (generator.hasNext() && out.rows < rows) {
        if (System.nanoTime() > deadline) {
          out.timedOut = true;
          break;
        }
        batch.clear();
        while (batch.size() * copies < batchSize
            && generator.hasNext()
            && out.rows + (long) batch.size() * copies < rows) {
          GeneratedRow r = generator.next();
          batch.add(r);
          if (r.refused()) {
            out.refused++;
          }
          out.principals.add(r.row().principal());
          out.first = Math.min(out.first, r.row().timeMicros());
          out.last = Math.max(out.last, r.row().timeMicros());
        }
        long t0 = System.nanoTime();
        for (GeneratedRow r : batch) {
          for (int copy = 0; copy < copies; copy++) {
            ps.setLong(1, ++id);
            r.bind(ps, 2, r.row().timeMicros() + copy);
            if (copy > 0 && r.sourcePid() != null) {
              ps.setLong(13, r.sourceSeq() + copy * COPY_SEQ_STRIDE);
            }
            ps.addBatch();
          }
        }
        ps.executeBatch();
        c.commit();
        insertNanos += System.nanoTime() - t0;
        out.rows += (long) batch.size() * copies;
        progress.update(out.rows);
      }
    } finally {
      c.setAutoCommit(true);
    }
    // Rows written later through the identity (refusals) must not collide with ours.
    execute(c, "ALTER TABLE " + AuditSchema.TABLE + " ALTER COLUMN id RESTART WITH " + (id + 1));
    out.insertSeconds = insertNanos / 1e9;
    return out;
  }

  /** The server's migration statements, in order (AuditSchema keeps them package-private). */
  @SuppressWarnings("unchecked")
  static List<String> serverDdl() {
    try {
      Field f = AuditSchema.class.getDeclaredField("MIGRATIONS");
      f.setAccessible(true);
      return List.copyOf((List<String>) f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot read dev.trestle.audit.AuditSchema.MIGRATIONS; the loader uses the server's own"
              + " DDL",
          e);
    }
  }

  private static boolean isIndex(String sql) {
    return sql.stripLeading().toUpperCase(java.util.Locale.ROOT).startsWith("CREATE INDEX");
  }

  private static long maxId(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + AuditSchema.TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long count(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + AuditSchema.TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
