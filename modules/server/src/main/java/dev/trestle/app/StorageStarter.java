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
 * journal's ordering at start (embedded profile), the read-model pool with its metrics, closed at
 * shutdown, and the dispatcher for blocking JDBC work.
 */
final class StorageStarter {
  private static final Logger LOG = LoggerFactory.getLogger(StorageStarter.class);

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
   * On the embedded profile, before any entity of this node can write: the journal's highest
   * ordering, below which the read journal need not wait for gaps (JournalStartOrdering).
   */
  private static void recordJournalStart(ActorSystem<Void> system, StorageSettings storage)
      throws SQLException {
    if (!storage.profile().equals(StorageSettings.EMBEDDED)) {
      return;
    }
    try (Connection c = storage.openConnection()) {
      long max = JournalStartOrdering.get(system.classicSystem()).record(c);
      LOG.debug("journal ordering at start: {}", max);
    }
  }
}
