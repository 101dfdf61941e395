package dev.trestle.app;

import dev.trestle.audit.AuditSchema;
import dev.trestle.desiredstate.DesiredStateSchema;
import dev.trestle.observability.PoolMetrics;
import dev.trestle.storage.JournalStartOrdering;
import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.storage.StorageSettings;
import dev.trestle.storage.StorageStartup;
import dev.trestle.telemetry.TelemetrySchema;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Starts storage: the journal's and read models' schemas (each context registers its own), the
 * journal's ordering at start (JDBC profiles), the read-model pool with its metrics, closed at
 * shutdown, and the dispatcher for blocking JDBC work.
 */
final class StorageStarter {
  private static final Logger LOG = LoggerFactory.getLogger(StorageStarter.class);

  /** Journal transactions last milliseconds; a lock not had in this time is not waited for. */
  private static final Duration JOURNAL_LOCK_TIMEOUT = Duration.ofSeconds(5);

  private StorageStarter() {}

  record Storage(ReadModelDatabase readModels, ExecutionContextExecutor blocking) {}

  static Storage start(
      ActorSystem<Void> system,
      Settings settings,
      DataDirectory dataDir,
      MeterRegistry registry,
      Duration timeout)
      throws Exception {
    var readModels =
        StorageStartup.prepare(
            system,
            settings.storage(),
            timeout,
            List.of(AuditSchema::migrate, DesiredStateSchema::migrate, TelemetrySchema::migrate));
    dataDir.restrictNewFiles();
    recordJournalStart(system, settings.storage());
    PoolMetrics.bindAll(system, readModels.dataSource(), registry);
    CoordinatedShutdown.get(system.classicSystem())
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-read-models",
            () -> {
              readModels.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    ExecutionContextExecutor blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("trestle.blocking-dispatcher"));
    return new Storage(readModels, blocking);
  }

  /**
   * Before any entity of this node can write: the journal's highest ordering, below which the read
   * journal need not wait for gaps (JournalStartOrdering). On PostgreSQL it is read once every
   * transaction writing the journal (other nodes') has ended; a node that cannot lock the journal
   * within {@link #JOURNAL_LOCK_TIMEOUT} records nothing and its projections wait at gaps as
   * pekko-persistence-jdbc does by default (at most 10 s per gap).
   */
  private static void recordJournalStart(ActorSystem<Void> system, StorageSettings storage)
      throws SQLException {
    JournalStartOrdering start = JournalStartOrdering.get(system.classicSystem());
    switch (storage.profile()) {
      case StorageSettings.EMBEDDED -> {
        try (Connection c = storage.openConnection()) {
          LOG.debug("journal ordering at start: {}", start.record(c));
        }
      }
      case StorageSettings.POSTGRES -> {
        String why;
        try (Connection c = storage.openConnection()) {
          OptionalLong max = start.recordWhenWritersDone(c, JOURNAL_LOCK_TIMEOUT);
          if (max.isPresent()) {
            LOG.debug("journal ordering at start: {}", max.getAsLong());
            return;
          }
          why =
              "could not lock the journal within "
                  + JOURNAL_LOCK_TIMEOUT.toMillis()
                  + " ms (a long journal transaction of another node?)";
        } catch (SQLException e) {
          why = "could not lock the journal (" + e.getMessage() + ")";
        }
        LOG.warn(
            "{} to read its ordering at start; projections may wait up to 10 s at each gap of the"
                + " journal until they have caught up",
            why);
      }
      default -> {
        // Cassandra's journal is not read by the JDBC read journal
      }
    }
  }
}
