package dev.trestle.app;

import com.typesafe.config.Config;
import dev.trestle.audit.AccessBindingIndex;
import dev.trestle.audit.AuditProjection;
import dev.trestle.audit.AuditRetention;
import dev.trestle.audit.AuditStore;
import dev.trestle.core.ConfigTags;
import dev.trestle.desiredstate.CommittedDeltas;
import dev.trestle.desiredstate.DesiredStateProjection;
import dev.trestle.desiredstate.DesiredStateSettings;
import dev.trestle.desiredstate.DesiredStateStore;
import dev.trestle.edgesync.DesiredStateReadModel;
import dev.trestle.observability.JournalBacklog;
import dev.trestle.observability.OperationsPort;
import dev.trestle.observability.ProjectionLagMonitor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts the read side: the audit and desired-state projections, their stores, the lag monitors the
 * management port reports, and audit retention when configured.
 */
final class ProjectionStarter {
  private ProjectionStarter() {}

  record ReadSide(
      AuditStore auditStore,
      AccessBindingIndex bindings,
      DesiredStateStore desiredState,
      DesiredStateReadModel desiredReadModel,
      List<ProjectionLagMonitor> lags) {}

  static ReadSide start(
      ActorSystem<Void> system,
      Config config,
      Settings settings,
      StorageStarter.Storage storage,
      OperationsPort operations,
      Clock clock) {
    var readModels = storage.readModels();
    var auditStore = new AuditStore(readModels.dataSource());
    AuditProjection.init(system, readModels);
    var committedDeltas = new CommittedDeltas();
    DesiredStateProjection.init(
        system, readModels, DesiredStateSettings.from(config), committedDeltas);
    var desiredState = new DesiredStateStore(readModels.dataSource(), storage.blocking());
    var desiredReadModel = new DesiredStateReadModel(desiredState, committedDeltas);

    var auditLag =
        lagMonitor(
            system,
            storage,
            operations,
            clock,
            AuditProjection.NAME,
            IntStream.range(0, ConfigTags.SLICES).mapToObj(ConfigTags::tag).toList());
    var desiredStateLag =
        lagMonitor(
            system,
            storage,
            operations,
            clock,
            DesiredStateProjection.NAME,
            List.of(ConfigTags.DESIRED_STATE));
    auditLag.pollEvery(system, settings.lagPollInterval(), storage.blocking());
    desiredStateLag.pollEvery(system, settings.lagPollInterval(), storage.blocking());
    operations.addLagMonitors(auditLag, desiredStateLag);

    settings
        .auditRetention()
        .ifPresent(
            age ->
                system
                    .scheduler()
                    .scheduleWithFixedDelay(
                        Duration.ofSeconds(10),
                        settings.auditRetentionInterval(),
                        new AuditRetention(auditStore, age, clock),
                        storage.blocking()));
    return new ReadSide(
        auditStore,
        new AccessBindingIndex(readModels.dataSource(), storage.blocking()),
        desiredState,
        desiredReadModel,
        List.of(auditLag, desiredStateLag));
  }

  private static ProjectionLagMonitor lagMonitor(
      ActorSystem<Void> system,
      StorageStarter.Storage storage,
      OperationsPort operations,
      Clock clock,
      String projection,
      List<String> slices) {
    return new ProjectionLagMonitor(
        storage.readModels().dataSource(),
        JournalBacklog.of(system, clock),
        clock,
        projection,
        slices,
        operations.registry());
  }
}
