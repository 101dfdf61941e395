package dev.trestle.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trestle.edgesync.EdgeTestClient;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.Scrape;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real calls against a real central (insecure-dev mode, the acme example applied over gRPC), then
 * /metrics scraped over HTTP: API calls by method/route and status, events persisted by entity
 * type, an edge that connects and ACKs (versions, propagation), pools, JVM meters, probes.
 */
class MetricsEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String C1 = "organizations/acme/clusters/eu-west-1a";
  private static final String APPLY = "trestle.v1.ManagementService/Apply";
  private static final String GET = "trestle.v1.ManagementService/Get";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestCentral central;
  private static ManagedChannel api;
  private static ManagedChannel edge;
  private static int documents;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.start();
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
    var docs = new StringBuilder();
    try (Stream<Path> files = Files.list(Path.of("../../examples/acme"))) {
      for (Path f : files.sorted().toList()) {
        docs.append(Files.readString(f)).append("\n---\n");
      }
    }
    var resources =
        ResourceDocuments.parse(docs.toString()).stream()
            .map(d -> d.resource())
            .filter(java.util.Objects::nonNull)
            .toList();
    documents = resources.size();
    management().apply(ApplyRequest.newBuilder().addAllResources(resources).build());
  }

  @AfterAll
  static void stop() throws Exception {
    edge.shutdownNow();
    api.shutdownNow();
    central.close();
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub management() {
    return ManagementServiceGrpc.newBlockingStub(api).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static int managementPort() {
    return central.central().managementPort();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void apiCallsAreCountedAndTimedByMethodRouteAndStatus() throws Exception {
    Scrape before = Scrape.of(managementPort());
    double applied =
        before.require(
            "trestle_api_requests_seconds_count", "api=grpc", "method=" + APPLY, "status=OK");
    assertThat(applied).isGreaterThanOrEqualTo(1);

    assertThatThrownBy(
            () -> management().get(GetRequest.newBuilder().setFqn("organizations/nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND));
    assertThat(get(central.apiPort(), "/api/v1/organizations/acme").statusCode()).isEqualTo(200);
    assertThat(get(central.apiPort(), "/api/v1/organizations/nope").statusCode()).isEqualTo(404);
    assertThat(get(central.apiPort(), "/api/v1/organizations/acme/tenants").statusCode())
        .isEqualTo(200);

    Scrape after = Scrape.of(managementPort());
    double notFoundBefore =
        before
            .value("trestle_api_requests_seconds_count", "method=" + GET, "status=NOT_FOUND")
            .orElse(0.0);
    assertThat(
            after.require(
                "trestle_api_requests_seconds_count",
                "api=grpc",
                "method=" + GET,
                "status=NOT_FOUND"))
        .isEqualTo(notFoundBefore + 1);
    assertThat(
            after.require(
                "trestle_api_requests_seconds_count",
                "api=rest",
                "method=GET /api/v1/{resource}",
                "status=404"))
        .isEqualTo(
            before
                    .value(
                        "trestle_api_requests_seconds_count",
                        "method=GET /api/v1/{resource}",
                        "status=404")
                    .orElse(0.0)
                + 1);
    assertThat(
            after.require(
                "trestle_api_requests_seconds_count",
                "api=rest",
                "method=GET /api/v1/{resource}",
                "status=200"))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            after.require(
                "trestle_api_requests_seconds_count",
                "api=rest",
                "method=GET /api/v1/{collection}",
                "status=200"))
        .isGreaterThanOrEqualTo(1);
    // Latency: a histogram whose +Inf bucket counts every call, and a positive sum.
    assertThat(
            after.require(
                "trestle_api_requests_seconds_bucket",
                "method=" + GET,
                "status=NOT_FOUND",
                "le=+Inf"))
        .isEqualTo(
            after.require(
                "trestle_api_requests_seconds_count", "method=" + GET, "status=NOT_FOUND"));
    assertThat(
            after.require(
                "trestle_api_requests_seconds_sum", "api=grpc", "method=" + APPLY, "status=OK"))
        .isPositive();
    // Resource names never become label values.
    assertThat(after.text())
        .doesNotContain("organizations/nope")
        .doesNotContain("/api/v1/organizations");
  }

  @Test
  void eventsPersistedAreCountedByEntityTypeAndNoWriteFailed() throws Exception {
    Scrape s = Scrape.of(managementPort());
    // Every applied document persisted at least its own event (parents also register children).
    assertThat(s.require("trestle_events_persisted_total", "entity_type=resource"))
        .isGreaterThanOrEqualTo(documents);
    assertThat(s.value("trestle_events_persisted_total", "entity_type=iam")).isPresent();
    for (String type : new String[] {"resource", "cluster", "iam"}) {
      assertThat(
              s.require(
                  "trestle_journal_write_failures_total", "entity_type=" + type, "reason=failed"))
          .isZero();
    }
  }

  @Test
  void anEdgeThatConnectsAndAcksShowsItsVersionsAndPropagationLatency() throws Exception {
    String token =
        ClusterServiceGrpc.newBlockingStub(api)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(C1).build())
            .getToken();
    double clusterEvents =
        Scrape.of(managementPort())
            .value("trestle_events_persisted_total", "entity_type=cluster")
            .orElse(0.0);
    double propagated =
        Scrape.of(managementPort()).require("trestle_edge_propagation_seconds_count");
    Hello hello =
        Hello.newBuilder()
            .setCluster(C1)
            .setToken(token)
            .setAgentVersion("test")
            .setInventory(Inventory.newBuilder().addNamespaces("checkout").addNamespaces("ledger"))
            .build();
    try (var client = new EdgeTestClient(edge, hello)) {
      assertThat(client.next(WAIT).hasWelcome()).isTrue();
      CentralMessage snapshot = client.next(WAIT);
      assertThat(snapshot.hasSnapshot()).isTrue();
      long v1 = snapshot.getSnapshot().getVersion();
      client.ack(v1, snapshot.getSnapshot().getSetHash());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                Scrape s = Scrape.of(managementPort());
                assertThat(s.require("trestle_edges_connected")).isEqualTo(1.0);
                assertThat(s.require("trestle_cluster_desired_version", "cluster=" + C1))
                    .isEqualTo(v1);
                assertThat(s.require("trestle_cluster_applied_version", "cluster=" + C1))
                    .isEqualTo(v1);
                assertThat(s.require("trestle_cluster_xds_rejections", "cluster=" + C1)).isZero();
              });

      // A change committed while the edge is connected: desired moves ahead, the ACK catches up,
      // and the time between them lands in the propagation histogram.
      management()
          .apply(
              ApplyRequest.newBuilder()
                  .addAllResources(
                      ResourceDocuments.parse(
                              dev.trestle.testsupport.AcmeChanges.cartWeights(30, 70))
                          .stream()
                          .map(d -> d.resource())
                          .toList())
                  .build());
      CentralMessage delta = client.next(WAIT);
      assertThat(delta.hasDelta()).as(delta.getMessageCase().toString()).isTrue();
      long v2 = delta.getDelta().getVersion();
      assertThat(
              Scrape.of(managementPort())
                  .require("trestle_cluster_desired_version", "cluster=" + C1))
          .isGreaterThanOrEqualTo(v2);
      client.ack(v2, delta.getDelta().getSetHash());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                Scrape s = Scrape.of(managementPort());
                assertThat(s.require("trestle_cluster_applied_version", "cluster=" + C1))
                    .isEqualTo(v2);
                assertThat(s.require("trestle_cluster_desired_version", "cluster=" + C1))
                    .isEqualTo(v2);
                assertThat(s.require("trestle_edge_propagation_seconds_count"))
                    .isGreaterThan(propagated);
                assertThat(s.require("trestle_edge_propagation_seconds_sum")).isPositive();
                // Connect and the two ACKs are cluster events.
                assertThat(s.require("trestle_events_persisted_total", "entity_type=cluster"))
                    .isGreaterThanOrEqualTo(clusterEvents + 3);
              });
    }
    // Gone with the edge: no stale per-cluster series on a node that no longer holds the stream.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Scrape s = Scrape.of(managementPort());
              assertThat(s.require("trestle_edges_connected")).isZero();
              assertThat(s.value("trestle_cluster_applied_version", "cluster=" + C1)).isEmpty();
            });
  }

  @Test
  void poolsJvmAndProjectionsAreOnMetricsAndProbesAnswer() throws Exception {
    Scrape s = Scrape.of(managementPort());
    assertThat(s.require("hikaricp_connections_max", "pool=read-models"))
        .isEqualTo(central.central().settings().poolSize());
    assertThat(s.require("hikaricp_connections_max", "pool=journal"))
        .isEqualTo(central.central().settings().poolSize());
    assertThat(s.value("hikaricp_connections_active", "pool=journal")).isPresent();
    assertThat(s.value("hikaricp_connections_acquire_seconds_count", "pool=read-models"))
        .isPresent();
    assertThat(s.require("process_uptime_seconds")).isPositive();
    assertThat(s.value("process_cpu_usage")).isPresent();
    assertThat(s.find("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
    assertThat(s.find("jvm_memory_used_bytes", "area=heap")).isNotEmpty();
    assertThat(
            s.value(
                "trestle_projection_lag_events", "projection=desired-state", "slice=desired-state"))
        .isPresent();
    assertThat(s.value("trestle_projection_lag_seconds", "projection=audit", "slice=config-0"))
        .isPresent();

    assertThat(get(managementPort(), "/health/alive").statusCode()).isEqualTo(200);
    var ready = get(managementPort(), "/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(get(managementPort(), "/ready").statusCode()).isEqualTo(200);
    assertThat(get(managementPort(), "/health").statusCode()).isEqualTo(200);
  }
}
