package dev.trestle.app;

import dev.trestle.api.ManagementGrpcService;
import dev.trestle.api.RestApi;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.v1.ManagementService;
import dev.trestle.protocol.v1.ManagementServicePowerApiHandlerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.grpc.javadsl.ServerReflection;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import com.typesafe.config.Config;

/**
 * A running central node: actor system joined to itself, journal schema, sharded entities, the
 * API port and the management port. Used by {@link TrestleServer} and by tests.
 */
public final class Central implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final Settings settings;
  private final InetSocketAddress apiAddress;
  private final int managementPort;

  private Central(ActorSystem<Void> system, Settings settings, InetSocketAddress api, int mgmt) {
    this.system = system;
    this.settings = settings;
    this.apiAddress = api;
    this.managementPort = mgmt;
  }

  /** Starts everything and waits until the node is ready; fails with the cause otherwise. */
  public static Central start(Config config) throws Exception {
    Settings settings = Settings.from(config);
    java.nio.file.Files.createDirectories(settings.dataDir());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "trestle", config);
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      Duration startup = Duration.ofSeconds(60);
      SchemaUtils.createIfNotExists(system).toCompletableFuture().get(startup.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      ResourceService.initSharding(system);
      var service = new ResourceService(system, settings.askTimeout());

      var grpc =
          ManagementServicePowerApiHandlerFactory.partial(
              new ManagementGrpcService(service), ManagementService.name, system);
      var reflection = ServerReflection.create(List.of(ManagementService.description), system);
      var rest = new RestApi(service, system, 10_000);
      @SuppressWarnings("unchecked")
      var handler = ServiceHandler.concatOrNotFound(grpc, reflection, rest::handle);
      ServerBinding binding =
          Http.get(system)
              .newServerAt(settings.apiHost(), settings.apiPort())
              .bind(handler)
              .toCompletableFuture()
              .get(startup.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);

      CompletionStage<org.apache.pekko.http.javadsl.model.Uri> mgmt =
          PekkoManagement.get(system).start();
      var mgmtUri = mgmt.toCompletableFuture().get(startup.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      ServerState.get(system).markReady(true);
      return new Central(system, settings, binding.localAddress(), mgmtUri.getPort());
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

  public int managementPort() {
    return managementPort;
  }

  /** Graceful stop through coordinated shutdown; waits for the actor system to end. */
  @Override
  public void close() throws Exception {
    ServerState.get(system).markReady(false);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }
}
