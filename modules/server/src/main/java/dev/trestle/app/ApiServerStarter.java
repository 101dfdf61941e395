package dev.trestle.app;

import dev.trestle.api.ApiRoutes;
import dev.trestle.api.ApplyBodies;
import dev.trestle.api.AuditGrpcService;
import dev.trestle.api.AuditRoutes;
import dev.trestle.api.ClusterGrpcService;
import dev.trestle.api.ClusterRoutes;
import dev.trestle.api.ConsoleRestRoutes;
import dev.trestle.api.ConsoleStaticRoute;
import dev.trestle.api.GitOpsGrpcService;
import dev.trestle.api.GitOpsRoutes;
import dev.trestle.api.IamGrpcService;
import dev.trestle.api.IamRestRoutes;
import dev.trestle.api.ImpactRestRoute;
import dev.trestle.api.ImpactViews;
import dev.trestle.api.ManagementGrpcService;
import dev.trestle.api.ProjectionLagRoute;
import dev.trestle.api.ResourceCountsRoute;
import dev.trestle.api.ResourceRoutes;
import dev.trestle.api.RestRoutes;
import dev.trestle.api.RolloutGrpcService;
import dev.trestle.api.RolloutRoutes;
import dev.trestle.api.ServiceCatalogGrpcService;
import dev.trestle.api.TelemetryGrpcService;
import dev.trestle.api.TelemetryRestRoutes;
import dev.trestle.desiredstate.DesiredStateSettings;
import dev.trestle.desiredstate.ImpactPreview;
import dev.trestle.desiredstate.ResourceCounts;
import dev.trestle.observability.ApiMetrics;
import dev.trestle.protocol.v1.AuditService;
import dev.trestle.protocol.v1.AuditServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.ClusterService;
import dev.trestle.protocol.v1.ClusterServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.GitOpsService;
import dev.trestle.protocol.v1.GitOpsServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.IamService;
import dev.trestle.protocol.v1.IamServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.ManagementService;
import dev.trestle.protocol.v1.ManagementServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.RolloutService;
import dev.trestle.protocol.v1.RolloutServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.ServiceCatalog;
import dev.trestle.protocol.v1.ServiceCatalogPowerApiHandlerFactory;
import dev.trestle.protocol.v1.TelemetryQuery;
import dev.trestle.protocol.v1.TelemetryQueryPowerApiHandlerFactory;
import dev.trestle.telemetry.TelemetrySettings;
import dev.trestle.telemetry.TrafficQueries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * Starts the API port: the gRPC services (and reflection) and the HTTP routes on one port, wrapped
 * in the API metrics, with TLS when configured. Register a new gRPC service or REST route group
 * here.
 */
final class ApiServerStarter {
  /** How long reading a REST request body may take. */
  private static final long BODY_TIMEOUT_MILLIS = 10_000;

  private ApiServerStarter() {}

  static ServerBinding start(StartedParts parts, Duration timeout) throws Exception {
    ActorSystem<Void> system = parts.system();
    Settings settings = parts.settings();
    ServiceStarter.Services s = parts.services();
    var iamService = new IamGrpcService(s.iam(), s.callers());
    var impactPreview =
        new ImpactPreview(
            parts.storage().readModels().dataSource(),
            parts.storage().blocking(),
            DesiredStateSettings.from(parts.config()));
    var impactViews = new ImpactViews(impactPreview, s.guard());
    // one body reader, so the documents routes share one bounded parse pool
    var bodies =
        ApplyBodies.create(
            s.admission(),
            s.access(),
            parts.readSide().bindings(),
            s.refusals(),
            BODY_TIMEOUT_MILLIS);
    var apiServices =
        List.of(
            ManagementService.description,
            AuditService.description,
            IamService.description,
            ClusterService.description,
            ServiceCatalog.description,
            TelemetryQuery.description,
            GitOpsService.description,
            RolloutService.description);
    var telemetryApi =
        new TelemetryGrpcService(
            TrafficQueries.create(
                parts.storage().readModels().dataSource(),
                s.resources(),
                s.guard(),
                TelemetrySettings.from(parts.config()),
                parts.storage().blocking(),
                parts.clock()),
            s.callers());
    var http =
        ApiRoutes.handler(
            system,
            s.callers(),
            List.of(
                ConsoleStaticRoute.route(),
                new IamRestRoutes(iamService, s.callers(), s.access()).route(),
                new ConsoleRestRoutes(
                        s.resources(),
                        s.auditQueries(),
                        s.clusters(),
                        parts.readSide().desiredReadModel(),
                        s.callers(),
                        impactPreview)
                    .route(),
                new TelemetryRestRoutes(telemetryApi, parts.clock()).route()),
            List.of(
                new AuditRoutes(s.auditQueries()),
                new ClusterRoutes(s.clusters()),
                new ImpactRestRoute(s.resources(), s.admission(), impactViews, bodies),
                new ProjectionLagRoute(parts.readSide().lags()),
                new ResourceCountsRoute(
                    new ResourceCounts(parts.readSide().desiredState(), s.guard())),
                new GitOpsRoutes(s.gitops()),
                new RolloutRoutes(s.rollouts()),
                // last: it takes any path below /api/v1
                new ResourceRoutes(s.resources(), s.auditQueries(), s.admission(), bodies)));
    @SuppressWarnings("unchecked")
    var handler =
        new ApiMetrics(parts.operations().registry(), apiServices, RestRoutes::template)
            .wrap(
                ServiceHandler.concatOrNotFound(
                    ManagementServicePowerApiHandlerFactory.partial(
                        new ManagementGrpcService(
                            s.resources(),
                            s.auditQueries(),
                            s.callers(),
                            s.admission(),
                            impactViews),
                        ManagementService.name,
                        system),
                    AuditServicePowerApiHandlerFactory.partial(
                        new AuditGrpcService(s.auditQueries(), s.callers()),
                        AuditService.name,
                        system),
                    IamServicePowerApiHandlerFactory.partial(iamService, IamService.name, system),
                    ClusterServicePowerApiHandlerFactory.partial(
                        new ClusterGrpcService(s.clusters(), s.callers()),
                        ClusterService.name,
                        system),
                    ServiceCatalogPowerApiHandlerFactory.partial(
                        new ServiceCatalogGrpcService(s.clusters(), s.callers()),
                        ServiceCatalog.name,
                        system),
                    TelemetryQueryPowerApiHandlerFactory.partial(
                        telemetryApi, TelemetryQuery.name, system),
                    GitOpsServicePowerApiHandlerFactory.partial(
                        new GitOpsGrpcService(s.gitops(), s.callers()), GitOpsService.name, system),
                    RolloutServicePowerApiHandlerFactory.partial(
                        new RolloutGrpcService(s.rollouts(), s.callers()),
                        RolloutService.name,
                        system),
                    ServerReflection.create(apiServices, system),
                    http));
    var server = Http.get(system).newServerAt(settings.apiHost(), settings.apiPort());
    if (settings.tls().enabled()) {
      server = server.enableHttps(TlsContexts.server(settings.tls(), settings.dataDir()));
    }
    ServerBinding api =
        server.bind(handler).toCompletableFuture().get(timeout.toSeconds(), TimeUnit.SECONDS);
    api.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
    return api;
  }
}
