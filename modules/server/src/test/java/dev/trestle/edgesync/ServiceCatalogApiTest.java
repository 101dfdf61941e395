package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.InventoryGateway;
import dev.trestle.protocol.v1.InventoryPort;
import dev.trestle.protocol.v1.InventoryService;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ListServicesRequest;
import dev.trestle.protocol.v1.ServiceCatalogGrpc;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code services} over gRPC and REST against a real central with two connected edges. */
class ServiceCatalogApiTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestCentral central;
  private static ManagedChannel api;
  private static ManagedChannel edge;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure("trestle.edge.heartbeat-interval = 1s\n");
    api =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    edge =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                central.central().edgeAddress().getPort(),
                InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    EdgeStreamTest.applyAcmeExample(api, admin);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.shutdownNow();
    api.shutdownNow();
    central.close();
  }

  private static String token(String cluster) {
    return ClusterServiceGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  /** checkout/cart (3 endpoints) behind an east-west gateway at {@code gateway}. */
  static Inventory inventory(String gateway, int cartHealthy) {
    return Inventory.newBuilder()
        .addNamespaces("checkout")
        .setNetwork("eu-net")
        .addGateways(
            InventoryGateway.newBuilder()
                .setNamespace("istio-system")
                .setName("eastwest")
                .setRole("EAST_WEST")
                .addAddresses(gateway)
                .addPorts(InventoryPort.newBuilder().setName("tls").setPort(15443)))
        .addServices(
            InventoryService.newBuilder()
                .setNamespace("checkout")
                .setName("cart")
                .addPorts(
                    InventoryPort.newBuilder().setName("http").setPort(8080).setProtocol("HTTP"))
                .setEndpoints(3)
                .setHealthyEndpoints(cartHealthy))
        .build();
  }

  private static Hello hello(String cluster, Inventory inventory) {
    return Hello.newBuilder()
        .setCluster(cluster)
        .setToken(token(cluster))
        .setAgentVersion("test")
        .setInventory(inventory)
        .build();
  }

  @Test
  void servicesAreListedOverGrpcAndRestAndTheOtherClusterGetsTheRoute() throws Exception {
    try (var a = new EdgeTestClient(edge, hello("eu-west-1a", inventory("10.1.0.10", 3)));
        var b = new EdgeTestClient(edge, hello("eu-west-1b", inventory("10.2.0.10", 2)))) {
      // Live edges heartbeat (every second here): a silent one turns UNHEALTHY after three
      // intervals and its services stop being routable, which this test once raced against.
      Runnable heartbeats =
          () -> {
            a.heartbeat(inventory("10.1.0.10", 3));
            b.heartbeat(inventory("10.2.0.10", 2));
          };
      var catalog =
          ServiceCatalogGrpc.newBlockingStub(api).withCallCredentials(EdgeStreamTest.bearer(admin));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                heartbeats.run();
                var services =
                    catalog
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listServices(
                            ListServicesRequest.newBuilder().setNamespace("checkout").build());
                assertThat(services.getServicesList())
                    .extracting(s -> s.getName())
                    .containsExactly("cart");
                assertThat(services.getServices(0).getClustersList())
                    .extracting(
                        i ->
                            i.getClusterName()
                                + " "
                                + i.getHealthyEndpoints()
                                + " "
                                + i.getGatewayAddress()
                                + " "
                                + i.getLocality().getZone()
                                + " "
                                + i.getRoutable())
                    .containsExactly(
                        "eu-west-1a 3 10.1.0.10 eu-west-1a true",
                        "eu-west-1b 2 10.2.0.10 eu-west-1b true");
              });
      assertThat(
              catalog
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .listServices(ListServicesRequest.newBuilder().setNamespace("nothing").build())
                  .getServicesCount())
          .isZero();

      var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      var uri =
          URI.create(
              "http://127.0.0.1:" + central.apiPort() + "/api/v1/services?namespace=checkout");
      var rest =
          http.send(
              HttpRequest.newBuilder(uri).header("authorization", "Bearer " + admin).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(rest.statusCode()).isEqualTo(200);
      assertThat(rest.body().replaceAll("\\s", ""))
          .contains(
              "\"hostname\":\"cart.checkout.svc.cluster.local\"",
              "\"gatewayAddress\":\"10.2.0.10\"");
      var anonymous =
          http.send(
              HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);

      // eu-west-1a's desired state carries a WorkloadEntry at eu-west-1b's gateway (its
      // ServiceEntry selects it)
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                heartbeats.run();
                var snapshot =
                    central
                        .central()
                        .desiredState()
                        .snapshot("organizations/acme/clusters/eu-west-1a")
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                assertThat(snapshot.getObjectsList())
                    .filteredOn(o -> o.getKey().getKind().equals("WorkloadEntry"))
                    // the gateway, and once more per subset of acme's cart ServiceRoute
                    .hasSize(3)
                    .allSatisfy(
                        o ->
                            assertThat(o.getJson())
                                .contains(
                                    "\"address\":\"10.2.0.10\"",
                                    "\"topology.istio.io/cluster\":\"eu-west-1b\""));
              });
    }
  }
}
