package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestCentral;
import dev.trestle.testing.TestStorage;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * After a restart of central, an inventory change an edge reports on reconnect reaches the other
 * cluster's desired state promptly: the journal is full of gaps (heartbeat events deleted on
 * snapshot), and the read journal used to wait 10 s (max-tries x query-delay) at the first of them
 * before the desired-state projection saw anything new (issue 15 point 4). Embedded profile here,
 * PostgreSQL in {@link DesiredStateAfterRestartPostgresTest}.
 */
@ExtendWith(StorageSelection.class)
class DesiredStateAfterRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String A = "organizations/acme/clusters/eu-west-1a";

  /** Far below the 10 s gap wait the projection stalled for; generous for a loaded machine. */
  private static final Duration PROMPT = Duration.ofSeconds(5);

  private TestCentral central;
  private ManagedChannel api;
  private ManagedChannel edge;

  @AfterEach
  void stop() throws Exception {
    if (edge != null) {
      edge.shutdownNow();
    }
    if (api != null) {
      api.shutdownNow();
    }
    if (central != null) {
      central.close();
    }
  }

  @Test
  void anInventoryChangeReportedAfterARestartReachesTheOtherClusterWithinSeconds(
      TestStorage storage) throws Exception {
    central =
        TestCentral.startSecure(
            storage,
            """
            trestle.edge.heartbeat-interval = 1s
            trestle.clusters.snapshot-every = 5
            trestle.clusters.keep-snapshots = 1
            """);
    connect();
    EdgeStreamTest.applyAcmeExample(api, central.adminToken());
    String tokenA = token("eu-west-1a");
    String tokenB = token("eu-west-1b");
    try (var a = new EdgeTestClient(edge, hello("eu-west-1a", tokenA, "10.1.0.10"));
        var b = new EdgeTestClient(edge, hello("eu-west-1b", tokenB, "10.2.0.10"))) {
      awaitGatewayInDesiredStateOfA("10.2.0.10", WAIT);
      // Heartbeats are journaled, then deleted on snapshot: gaps in the journal's ordering.
      for (int i = 0; i < 30; i++) {
        b.heartbeat(inventory("10.2.0.10"));
        a.heartbeat(inventory("10.1.0.10"));
      }
      await().atMost(WAIT).until(() -> deletedJournalRows() > 0);
    }

    api.shutdownNow();
    edge.shutdownNow();
    central.restart();
    long ready = System.nanoTime();
    connect();
    try (var a = new EdgeTestClient(edge, hello("eu-west-1a", tokenA, "10.1.0.10"));
        var b = new EdgeTestClient(edge, hello("eu-west-1b", tokenB, "10.2.0.99"))) {
      awaitGatewayInDesiredStateOfA("10.2.0.99", WAIT);
      Duration took = Duration.ofNanos(System.nanoTime() - ready);
      System.out.println("ready -> new gateway in the other cluster's desired state: " + took);
      assertThat(took)
          .as("from ready to eu-west-1b's new gateway in eu-west-1a's desired state")
          .isLessThan(PROMPT);
    }
  }

  /** Journal orderings below the highest that are missing (deleted or never committed). */
  private long deletedJournalRows() throws Exception {
    try (var c = central.central().settings().storage().openConnection();
        var ps = c.prepareStatement("SELECT MAX(\"ordering\") - COUNT(*) FROM \"event_journal\"");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void awaitGatewayInDesiredStateOfA(String address, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(
                        central
                            .central()
                            .desiredState()
                            .snapshot(A)
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS)
                            .getObjectsList())
                    .filteredOn(o -> o.getKey().getKind().equals("WorkloadEntry"))
                    .anySatisfy(
                        o -> assertThat(o.getJson()).contains("\"address\":\"" + address + "\"")));
  }

  private void connect() {
    api = EdgeTestClient.loopback(central.apiPort());
    edge = EdgeTestClient.loopback(central.central().edgeAddress().getPort());
  }

  private String token(String cluster) throws Exception {
    return ClusterServiceGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(central.adminToken()))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  private static Inventory inventory(String gateway) {
    return ServiceCatalogApiTest.inventory(gateway, 2);
  }

  private static Hello hello(String cluster, String token, String gateway) {
    return Hello.newBuilder()
        .setCluster(cluster)
        .setToken(token)
        .setAgentVersion("test")
        .setInventory(inventory(gateway))
        .build();
  }
}
