package dev.trestle.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does with its database before anything else uses it: check that it can log in, then
 * create or migrate every table (journal and snapshots — in Cassandra on that profile —, our read
 * models, projection offsets). On PostgreSQL several nodes may start at once against one database,
 * and concurrent {@code CREATE TABLE IF NOT EXISTS} races there (duplicate pg_type rows): the steps
 * run under a session advisory lock, so one node migrates at a time and the others find everything
 * in place.
 */
public final class StorageStartup {
  private static final Logger LOG = LoggerFactory.getLogger(StorageStartup.class);

  /** The advisory lock key of schema migrations: "trestle" as 64 bits; other keys are not ours. */
  static final long MIGRATION_LOCK = 0x7472_6573_746c_6500L;

  private static final Duration LOCK_POLL = Duration.ofMillis(100);

  private StorageStartup() {}

  /**
   * Logs in once; fails with what, where and why (never the password) if the database is not
   * usable.
   */
  public static void checkReachable(StorageSettings storage) {
    try (Connection c = storage.openConnection()) {
      if (!c.isValid(10)) {
        throw new StorageUnavailableException(
            "cannot use " + storage.describe() + ": the connection is not valid");
      }
    } catch (SQLException e) {
      throw new StorageUnavailableException(
          "cannot connect to "
              + storage.describe()
              + ": "
              + firstLine(e.getMessage())
              + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"));
    }
  }

  /**
   * Creates or migrates the whole schema (re-runnable): the journal, each context's read-model
   * {@code schemas} in the order given, the projection offsets; then opens the read-model pool.
   * Bounded by {@code timeout} per step, and on PostgreSQL by {@code timeout} of waiting for the
   * lock.
   */
  public static ReadModelDatabase prepare(
      ActorSystem<?> system,
      StorageSettings storage,
      Duration timeout,
      List<ReadModelSchema> schemas)
      throws Exception {
    var readModels = ReadModelDatabase.open(storage);
    try (Connection lock = storage.openConnection()) {
      if (storage.isPostgres()) {
        acquire(lock, timeout);
      }
      long started = System.nanoTime();
      long journalTimeout = Math.max(timeout.toSeconds(), EventJournal.SCHEMA_TIMEOUT.toSeconds());
      EventJournal.createSchema(system).toCompletableFuture().get(journalTimeout, TimeUnit.SECONDS);
      try (var c = readModels.connection()) {
        for (ReadModelSchema schema : schemas) {
          schema.migrate(c);
        }
      }
      JdbcProjection.createTablesIfNotExists(readModels::newSession, system)
          .toCompletableFuture()
          .get(timeout.toSeconds(), TimeUnit.SECONDS);
      LOG.info(
          "schema ready on {} in {} ms",
          storage.describe(),
          (System.nanoTime() - started) / 1_000_000);
      // Closing the connection releases the advisory lock (also if this node dies here).
      return readModels;
    } catch (Exception | Error e) {
      readModels.close();
      throw e;
    }
  }

  /**
   * Polls pg_try_advisory_lock instead of waiting in pg_advisory_lock: a waiting statement holds a
   * snapshot, and the journal script's CREATE INDEX CONCURRENTLY (run by the lock holder) waits for
   * every such snapshot to end: the two would wait for each other for ever.
   */
  private static void acquire(Connection lock, Duration timeout)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Statement st = lock.createStatement()) {
      while (true) {
        try (ResultSet rs =
            st.executeQuery("SELECT pg_try_advisory_lock(" + MIGRATION_LOCK + ")")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new StorageUnavailableException(
              "another node has held the schema migration lock for over "
                  + timeout.toSeconds()
                  + " s");
        }
        Thread.sleep(LOCK_POLL.toMillis());
      }
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
