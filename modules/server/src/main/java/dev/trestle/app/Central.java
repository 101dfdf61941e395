package dev.trestle.app;

import com.typesafe.config.Config;
import dev.trestle.clusters.ClusterRegistry;
import dev.trestle.desiredstate.DesiredStateStore;
import dev.trestle.iam.InitialAdmin;
import dev.trestle.membership.ClusterFormation;
import dev.trestle.membership.MembershipSettings;
import dev.trestle.observability.OperationsPort;
import dev.trestle.storage.StorageStartup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running central node: actor system joined to the central cluster (itself by default), journal
 * and read-model schemas, sharded entities (resources, IAM, clusters), the audit and desired-state
 * projections, the API port, the edge port and the management port. Used by {@link TrestleServer}
 * and by tests.
 */
public final class Central implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Central.class);
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

  /**
   * Starts everything, in order (management port, cluster formation, storage, read side, write side
   * and services, API port, edge port), and waits until the node is ready; fails with the cause
   * otherwise. Each starter owns what it starts.
   */
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
      var storage = StorageStarter.start(system, settings, dataDir, operations.registry(), STARTUP);
      var readSide = ProjectionStarter.start(system, config, settings, storage, operations, clock);
      var services = ServiceStarter.start(system, config, settings, storage, readSide, clock);
      var parts =
          new StartedParts(
              system, config, settings, storage, services, readSide, operations, clock);
      ServerBinding api = ApiServerStarter.start(parts, STARTUP);
      ServerBinding edge = EdgeServerStarter.start(parts, STARTUP);

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
      ClusterRegistry.wakeKnownClusters(system, services.clusters());
      RolloutStarter.start(parts);
      state.markReady(true);
      return new Central(
          system,
          settings,
          api.localAddress(),
          operations.port(),
          edge.localAddress(),
          readSide.desiredState());
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
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
