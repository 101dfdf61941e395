package dev.trestle.app;

import com.typesafe.config.Config;
import dev.trestle.api.Admission;
import dev.trestle.api.CallContext;
import dev.trestle.api.WriteLimiter;
import dev.trestle.audit.AuditQueries;
import dev.trestle.audit.AuditRefusalLog;
import dev.trestle.audit.DeniedReadThrottle;
import dev.trestle.audit.ResourceHistory;
import dev.trestle.clusters.ClusterOperations;
import dev.trestle.clusters.ClusterSettings;
import dev.trestle.core.RefusalLog;
import dev.trestle.gitops.GitOpsOperations;
import dev.trestle.gitops.GitOpsSettings;
import dev.trestle.iam.AccessControl;
import dev.trestle.iam.IamOperations;
import dev.trestle.iam.ResourceGuard;
import dev.trestle.iam.oidc.OidcSettings;
import dev.trestle.iam.oidc.OidcVerifier;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceService;
import dev.trestle.rollouts.RevisionRolloutRunner;
import dev.trestle.rollouts.RolloutOperations;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Starts the write side on cluster sharding (resources, IAM, clusters) and the services the façades
 * call: access control, the guard, audit queries, the resource and cluster operations, admission,
 * the GitOps reconciler (a cluster singleton) and the rollouts' status.
 */
final class ServiceStarter {
  private ServiceStarter() {}

  record Services(
      AccessControl access,
      IamOperations iam,
      ResourceGuard guard,
      CallContext callers,
      Admission admission,
      AuditQueries auditQueries,
      ResourceService resources,
      ClusterSettings clusterSettings,
      ClusterOperations clusters,
      GitOpsOperations gitops,
      RolloutOperations rollouts,
      RefusalLog refusals) {}

  static Services start(
      ActorSystem<Void> system,
      Config config,
      Settings settings,
      StorageStarter.Storage storage,
      ProjectionStarter.ReadSide readSide,
      Clock clock) {
    ResourceEntity.init(system);
    IamOperations.initSharding(system);
    var access =
        new AccessControl(
            system,
            settings.askTimeout(),
            settings.insecureDev(),
            OidcSettings.from(config.getConfig("trestle"))
                .enabled()
                .map(o -> new OidcVerifier(o, Clock.systemUTC())),
            storage.blocking());
    var refusalLog =
        new DeniedReadThrottle(
            new AuditRefusalLog(readSide.auditStore(), storage.blocking(), clock), clock);
    var iam = new IamOperations(system, access, settings.askTimeout(), refusalLog);
    var guard = new ResourceGuard(access, iam);
    var admission =
        new Admission(
            new WriteLimiter(settings.writesPerSecond(), settings.writeBurst(), System::nanoTime));
    system
        .scheduler()
        .scheduleWithFixedDelay(
            DeniedReadThrottle.WINDOW,
            DeniedReadThrottle.WINDOW,
            refusalLog::flushExpired,
            system.executionContext());
    var auditQueries =
        new AuditQueries(
            readSide.auditStore(),
            new ResourceHistory(system),
            storage.blocking(),
            clock,
            guard,
            settings.auditScanBudget(),
            refusalLog);
    var resources = new ResourceService(system, settings.askTimeout(), refusalLog, guard);
    var clusterSettings = ClusterSettings.from(config);
    ClusterOperations.initSharding(system, clusterSettings, clock);
    RevisionRolloutRunner.initSharding(system);
    var clusters =
        new ClusterOperations(
            system,
            resources,
            guard,
            readSide.desiredReadModel(),
            settings.askTimeout(),
            clock,
            refusalLog);
    var gitops =
        GitOpsOperations.start(
            system,
            GitOpsSettings.from(config, settings.dataDir()),
            resources,
            guard,
            settings.askTimeout(),
            clock);
    return new Services(
        access,
        iam,
        guard,
        new CallContext(access),
        admission,
        auditQueries,
        resources,
        clusterSettings,
        clusters,
        gitops,
        new RolloutOperations(
            ClusterSharding.get(system),
            readSide.desiredState()::rolloutInputs,
            guard,
            settings.askTimeout(),
            clock),
        refusalLog);
  }
}
