package dev.trestle.app;

import com.typesafe.config.Config;
import dev.trestle.api.Admission;
import dev.trestle.api.ApiRoutes;
import dev.trestle.api.AuditGrpcService;
import dev.trestle.api.AuditRoutes;
import dev.trestle.api.CallContext;
import dev.trestle.api.ClusterGrpcService;
import dev.trestle.api.ClusterRoutes;
import dev.trestle.api.ConsoleRestRoutes;
import dev.trestle.api.ConsoleStaticRoute;
import dev.trestle.api.IamGrpcService;
import dev.trestle.api.IamRestRoutes;
import dev.trestle.api.ImpactRestRoute;
import dev.trestle.api.ImpactViews;
import dev.trestle.api.ManagementGrpcService;
import dev.trestle.api.ProjectionLagRoute;
import dev.trestle.api.ResourceRoutes;
import dev.trestle.api.RestRoutes;
import dev.trestle.api.TelemetryGrpcService;
import dev.trestle.api.TelemetryRestRoutes;
import dev.trestle.api.WriteLimiter;
import dev.trestle.audit.AuditProjection;
import dev.trestle.audit.AuditQueries;
import dev.trestle.audit.AuditRefusalLog;
import dev.trestle.audit.AuditRetention;
import dev.trestle.audit.AuditSchema;
import dev.trestle.audit.AuditStore;
import dev.trestle.audit.ResourceHistory;
import dev.trestle.clusters.ClusterOperations;
import dev.trestle.clusters.ClusterRegistry;
import dev.trestle.clusters.ClusterSettings;
import dev.trestle.core.ConfigTags;
import dev.trestle.desiredstate.CommittedDeltas;
import dev.trestle.desiredstate.DesiredStateProjection;
import dev.trestle.desiredstate.DesiredStateSchema;
import dev.trestle.desiredstate.DesiredStateSettings;
import dev.trestle.desiredstate.DesiredStateStore;
import dev.trestle.desiredstate.ImpactPreview;
import dev.trestle.edgesync.DesiredStateFanOut;
import dev.trestle.edgesync.DesiredStateReadModel;
import dev.trestle.edgesync.EdgeAdmissions;
import dev.trestle.edgesync.EdgeMetrics;
import dev.trestle.edgesync.EdgePortErrors;
import dev.trestle.edgesync.EdgeSessions;
import dev.trestle.edgesync.EdgeSyncService;
import dev.trestle.edgesync.GrpcFrameSizeCheck;
import dev.trestle.edgesync.SessionServices;
import dev.trestle.iam.AccessControl;
import dev.trestle.iam.IamOperations;
import dev.trestle.iam.InitialAdmin;
import dev.trestle.iam.ResourceGuard;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceService;
import dev.trestle.membership.ClusterFormation;
import dev.trestle.membership.MembershipSettings;
import dev.trestle.observability.ApiMetrics;
import dev.trestle.observability.JournalBacklog;
import dev.trestle.observability.OperationsPort;
import dev.trestle.observability.PoolMetrics;
import dev.trestle.observability.ProjectionLagMonitor;
import dev.trestle.protocol.v1.AuditService;
import dev.trestle.protocol.v1.AuditServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.ClusterService;
import dev.trestle.protocol.v1.ClusterServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.EdgeSync;
import dev.trestle.protocol.v1.EdgeSyncPowerApiHandlerFactory;
import dev.trestle.protocol.v1.IamService;
import dev.trestle.protocol.v1.IamServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.ManagementService;
import dev.trestle.protocol.v1.ManagementServicePowerApiHandlerFactory;
import dev.trestle.protocol.v1.TelemetryQuery;
import dev.trestle.protocol.v1.TelemetryQueryPowerApiHandlerFactory;
import dev.trestle.storage.StorageStartup;
import dev.trestle.telemetry.TelemetryIngestion;
import dev.trestle.telemetry.TelemetrySchema;
import dev.trestle.telemetry.TelemetrySettings;
import dev.trestle.telemetry.TrafficQueries;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.SystemMaterializer;
import scala.concurrent.ExecutionContextExecutor;

/**
 * A running central node: actor system joined to the central cluster (itself by default), journal
 * and read-model schemas, sharded entities (resources, IAM, clusters), the audit and desired-state
 * projections, the API port, the edge port and the management port. Used by {@link TrestleServer}
 * and by tests.
 */
public final class Central implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Central.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final ActorSystem<Void> system;
  private final Settings settings;
  private final InetSocketAddress apiAddress;
  private final int managementPort;
  private final DesiredStateStore desiredState;
  private final InetSocketAddress edgeAddress;

  private Central(
      ActorSystem<Void> system,
      Settings settings,
      InetSocketAddress api,
      int managementPort,
      InetSocketAddress edge,
      DesiredStateStore desiredState) {
    this.edgeAddress = edge;
    this.system = system;
    this.settings = settings;
    this.apiAddress = api;
    this.managementPort = managementPort;
    this.desiredState = desiredState;
  }

  /** Starts everything and waits until the node is ready; fails with the cause otherwise. */
  public static Central start(Config config) throws Exception {
    Settings settings = Settings.from(config);
    MembershipSettings membership = MembershipSettings.from(config);
    DataDirectory dataDir = DataDirectory.prepare(settings.dataDir());
    StorageStartup.checkReachable(settings.storage());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "trestle", config);
    try {
      var state = ServerState.get(system);
      var operations =
          OperationsPort.bind(
              system,
              settings.managementHost(),
              settings.managementPort(),
              state::isReady,
              STARTUP);
      Clock clock = Clock.systemUTC();
      var formation = ClusterFormation.start(system, membership);

      var readModels =
          StorageStartup.prepare(
              system,
              settings.storage(),
              STARTUP,
              List.of(AuditSchema::migrate, DesiredStateSchema::migrate, TelemetrySchema::migrate));
      dataDir.restrictNewFiles();
      PoolMetrics.bindAll(system, readModels.dataSource(), operations.registry());
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
      ResourceEntity.init(system);
      IamOperations.initSharding(system);
      var access = new AccessControl(system, settings.askTimeout(), settings.insecureDev());
      var iam = new IamOperations(system, access, settings.askTimeout());
      var guard = new ResourceGuard(access, iam);
      var callers = new CallContext(access);
      var admission =
          new Admission(
              new WriteLimiter(
                  settings.writesPerSecond(), settings.writeBurst(), System::nanoTime));

      var auditStore = new AuditStore(readModels.dataSource());
      var refusalLog = new AuditRefusalLog(auditStore, blocking, clock);
      var auditQueries =
          new AuditQueries(
              auditStore,
              new ResourceHistory(system),
              blocking,
              clock,
              guard,
              settings.auditScanBudget());
      var service = new ResourceService(system, settings.askTimeout(), refusalLog, guard);
      AuditProjection.init(system, readModels);
      var committedDeltas = new CommittedDeltas();
      DesiredStateProjection.init(
          system, readModels, DesiredStateSettings.from(config), committedDeltas);
      var desiredState = new DesiredStateStore(readModels.dataSource(), blocking);
      var desiredReadModel = new DesiredStateReadModel(desiredState, committedDeltas);
      var clusterSettings = ClusterSettings.from(config);
      var telemetrySettings = TelemetrySettings.from(config);
      ClusterOperations.initSharding(system, clusterSettings, clock);
      var clusterOps =
          new ClusterOperations(
              system, service, guard, desiredReadModel, settings.askTimeout(), clock, refusalLog);

      var registry = operations.registry();
      var auditLag =
          new ProjectionLagMonitor(
              readModels.dataSource(),
              JournalBacklog.of(system, clock),
              clock,
              AuditProjection.NAME,
              IntStream.range(0, ConfigTags.SLICES).mapToObj(ConfigTags::tag).toList(),
              registry);
      auditLag.pollEvery(system, settings.lagPollInterval(), blocking);
      var desiredStateLag =
          new ProjectionLagMonitor(
              readModels.dataSource(),
              JournalBacklog.of(system, clock),
              clock,
              DesiredStateProjection.NAME,
              List.of(ConfigTags.DESIRED_STATE),
              registry);
      desiredStateLag.pollEvery(system, settings.lagPollInterval(), blocking);
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
                          blocking));

      var impactPreview =
          new ImpactPreview(
              readModels.dataSource(), blocking, DesiredStateSettings.from(config).reachability());
      var impactViews = new ImpactViews(impactPreview, guard);
      var management =
          ManagementServicePowerApiHandlerFactory.partial(
              new ManagementGrpcService(service, auditQueries, callers, admission, impactViews),
              ManagementService.name,
              system);
      var audit =
          AuditServicePowerApiHandlerFactory.partial(
              new AuditGrpcService(auditQueries, callers), AuditService.name, system);
      var iamApi =
          IamServicePowerApiHandlerFactory.partial(
              new IamGrpcService(iam, access, callers), IamService.name, system);
      var apiServices =
          List.of(
              ManagementService.description,
              AuditService.description,
              IamService.description,
              ClusterService.description,
              dev.trestle.protocol.v1.ServiceCatalog.description,
              TelemetryQuery.description);
      var reflection = ServerReflection.create(apiServices, system);
      var clustersApi =
          ClusterServicePowerApiHandlerFactory.partial(
              new ClusterGrpcService(clusterOps, callers), ClusterService.name, system);
      var servicesApi =
          dev.trestle.protocol.v1.ServiceCatalogPowerApiHandlerFactory.partial(
              new dev.trestle.api.ServiceCatalogGrpcService(clusterOps, callers),
              dev.trestle.protocol.v1.ServiceCatalog.name,
              system);
      var telemetryApi =
          new TelemetryGrpcService(
              TrafficQueries.create(
                  readModels.dataSource(), service, guard, telemetrySettings, blocking, clock),
              callers);
      var telemetryQuery =
          TelemetryQueryPowerApiHandlerFactory.partial(telemetryApi, TelemetryQuery.name, system);
      var http =
          ApiRoutes.handler(
              system,
              callers,
              List.of(
                  ConsoleStaticRoute.route(),
                  new IamRestRoutes(new IamGrpcService(iam, access, callers), callers, access)
                      .route(),
                  new ConsoleRestRoutes(
                          service,
                          auditQueries,
                          clusterOps,
                          desiredReadModel,
                          callers,
                          impactPreview)
                      .route(),
                  new TelemetryRestRoutes(telemetryApi, clock).route()),
              List.of(
                  new AuditRoutes(auditQueries),
                  new ClusterRoutes(clusterOps),
                  new ImpactRestRoute(service, admission, impactViews, 10_000),
                  new ProjectionLagRoute(List.of(auditLag, desiredStateLag)),
                  // last: it takes any path below /api/v1
                  new ResourceRoutes(service, auditQueries, admission, 10_000)));
      @SuppressWarnings("unchecked")
      var handler =
          new ApiMetrics(registry, apiServices, RestRoutes::template)
              .wrap(
                  ServiceHandler.concatOrNotFound(
                      management,
                      audit,
                      iamApi,
                      clustersApi,
                      servicesApi,
                      telemetryQuery,
                      reflection,
                      http));
      var apiServer = Http.get(system).newServerAt(settings.apiHost(), settings.apiPort());
      if (!settings.tls().mode().equals("off")) {
        apiServer = apiServer.enableHttps(TlsContexts.server(settings.tls(), settings.dataDir()));
      }
      ServerBinding api =
          apiServer.bind(handler).toCompletableFuture().get(STARTUP.toSeconds(), TimeUnit.SECONDS);
      api.addToCoordinatedShutdown(Duration.ofSeconds(10), system);

      var edgeSessions = new EdgeSessions();
      var edgeMetrics = new EdgeMetrics(registry);
      DesiredStateFanOut.start(system, edgeSessions, clusterSettings.heartbeatInterval());
      var telemetryIngest =
          TelemetryIngestion.start(
              system,
              readModels.dataSource(),
              telemetrySettings,
              settings.askTimeout(),
              registry,
              blocking,
              clock);
      var edgeSync =
          EdgeSyncPowerApiHandlerFactory.partial(
              new EdgeSyncService(
                  system,
                  new SessionServices(
                      desiredReadModel,
                      clusterSettings,
                      settings.askTimeout(),
                      edgeMetrics,
                      edgeSessions,
                      clusterOps::edgeRefused,
                      EdgeAdmissions.from(config))),
              EdgeSync.name,
              SystemMaterializer.get(system).materializer(),
              EdgePortErrors.mapper(),
              system);
      // Both RPCs of the edge port (sync stream, telemetry reports) behind the frame size check.
      @SuppressWarnings("unchecked")
      var edgePort =
          GrpcFrameSizeCheck.guarded(
              ServiceHandler.concatOrNotFound(edgeSync, telemetryIngest.handler()));
      var edgeServer =
          Http.get(system)
              .newServerAt(settings.edgeHost(), settings.edgePort())
              .withSettings(EdgePortSettings.serverSettings(system));
      Path edgeClientCa = edgeClientCa(config);
      if (!settings.tls().mode().equals("off")) {
        edgeServer =
            edgeServer.enableHttps(
                TlsContexts.edgeServer(settings.tls(), settings.dataDir(), edgeClientCa));
      } else if (edgeClientCa != null) {
        throw new IllegalArgumentException(
            "trestle.edge.client-ca-file needs TLS: set trestle.tls.mode to keystore or"
                + " self-signed");
      }
      ServerBinding edge =
          edgeServer
              .bind(edgePort)
              .toCompletableFuture()
              .get(STARTUP.toSeconds(), TimeUnit.SECONDS);
      CoordinatedShutdown.get(system.classicSystem())
          .addTask(
              CoordinatedShutdown.PhaseServiceUnbind(),
              "close-edge-streams",
              () -> {
                // Edge streams never end on their own; without this the unbind waits its
                // whole deadline for them.
                edgeSessions.closeAll();
                return CompletableFuture.completedFuture(Done.getInstance());
              });
      edge.addToCoordinatedShutdown(Duration.ofSeconds(5), system);

      // Entities answer once this node is Up; the management port is open by now, which cluster
      // bootstrap's peers probe.
      formation.awaitUp(STARTUP);
      if (settings.insecureDev()) {
        LOG.warn(
            "*** INSECURE DEV MODE: authentication is OFF and every caller is an admin. Never"
                + " expose this server. ***");
      } else {
        InitialAdmin.ensure(system, settings.adminTokenFile(), settings.askTimeout());
      }
      ClusterRegistry.wakeKnownClusters(system, clusterOps);
      state.markReady(true);
      return new Central(
          system,
          settings,
          api.localAddress(),
          operations.port(),
          edge.localAddress(),
          desiredState);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  private static Path edgeClientCa(Config config) {
    String file = config.getString("trestle.edge.client-ca-file").strip();
    return file.isEmpty() ? null : Path.of(file);
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Settings settings() {
    return settings;
  }

  public InetSocketAddress apiAddress() {
    return apiAddress;
  }

  public InetSocketAddress edgeAddress() {
    return edgeAddress;
  }

  public int managementPort() {
    return managementPort;
  }

  /**
   * Per-cluster desired state (versions, snapshots, deltas, placements); see docs/desired-state.md.
   */
  public DesiredStateStore desiredState() {
    return desiredState;
  }

  /** Graceful stop through coordinated shutdown; waits for the actor system to end. */
  @Override
  public void close() throws Exception {
    ServerState.get(system).markReady(false);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
