package dev.trestle.app;

import dev.trestle.audit.AuditSchema;
import dev.trestle.desiredstate.DesiredStateSchema;
import dev.trestle.observability.PoolMetrics;
import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.storage.StorageStartup;
import dev.trestle.telemetry.TelemetrySchema;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Starts storage: the journal's and read models' schemas (each context registers its own), the
 * read-model pool with its metrics, closed at shutdown, and the dispatcher for blocking JDBC work.
 */
final class StorageStarter {
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
}
