package dev.trestle.edgesync;

import static dev.trestle.telemetry.TelemetryReports.call;
import static dev.trestle.telemetry.TelemetryReports.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.DesiredSnapshot;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ListServicesRequest;
import dev.trestle.protocol.v1.ServiceCatalogGrpc;
import dev.trestle.protocol.v1.ServiceInstance;
import dev.trestle.protocol.v1.TelemetryIngestGrpc;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TrafficSeries;
import dev.trestle.testing.TestCentral;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failover by telemetry on a real central (docs/telemetry.md): windows reported on the ingest RPC
 * with a high 5xx ratio for checkout/cart in eu-west-1b take eu-west-1b's endpoint out of
 * eu-west-1a's desired state (audited); a ratio between the thresholds changes nothing; a ratio at
 * or below recover-ratio brings it back.
 */
class TelemetryFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String C1 = "organizations/acme/clusters/eu-west-1a";
  private static final String C2 = "organizations/acme/clusters/eu-west-1b";
  private static TestCentral central;
  private static ManagedChannel api;
  private static ManagedChannel edge;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    central =
        TestCentral.startSecure(
            """
            trestle.edge.heartbeat-interval = 1s
            trestle.telemetry.failover {
              enabled = on
              interval = 200ms
              window = 2m
              min-requests = 20
              error-ratio = 0.5
              recover-ratio = 0.1
            }
            """);
    api = EdgeTestClient.loopback(central.apiPort());
    edge = EdgeTestClient.loopback(central.central().edgeAddress().getPort());
    admin = central.adminToken();
    EdgeStreamTest.applyAcmeExample(api, admin);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.shutdownNow();
    api.shutdownNow();
    central.close();
  }

  @Test
  void aServiceWhoseErrorRatioCrossesTheThresholdIsWithdrawnFromOtherClustersAndComesBack()
      throws Exception {
    try (var a = new EdgeTestClient(edge, hello("eu-west-1a", "10.1.0.10"));
        var b = new EdgeTestClient(edge, hello("eu-west-1b", "10.2.0.10"))) {
      var beats = Executors.newSingleThreadScheduledExecutor();
      try {
        failsOverAndBack(a, b, beats);
      } finally {
        beats.shutdownNow();
      }
    }
  }

  private void failsOverAndBack(EdgeTestClient a, EdgeTestClient b, ScheduledExecutorService beats)
      throws Exception {
    // Both clusters stay HEALTHY (heartbeats every 1 s expected, 3 missed = UNHEALTHY).
    beats.scheduleAtFixedRate(
        () -> {
          a.heartbeat(ServiceCatalogApiTest.inventory("10.1.0.10", 3));
          b.heartbeat(ServiceCatalogApiTest.inventory("10.2.0.10", 3));
        },
        300,
        300,
        TimeUnit.MILLISECONDS);
    await().atMost(WAIT).untilAsserted(() -> assertThat(routesToB()).isTrue());
    String token = token("eu-west-1b");
    // The current minute is inside the 2-minute window for the rest of this test (< 60 s).
    long minute = Instant.now().getEpochSecond() / 60 * 60;

    // Too few requests decide nothing, whatever their ratio.
    send(token, report("eu-west-1b", "few", minute, cart("5xx", 10)));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(TelemetryFailoverTest::routesToB);

    // 80 of 100 answered 5xx (with the 10 before: 90 of 110): failing in eu-west-1b.
    send(token, report("eu-west-1b", "bad", minute, cart("2xx", 20), cart("5xx", 80)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(routesToB()).isFalse());
    ServiceInstance inB = catalog(C2);
    assertThat(inB.getFailing()).isTrue();
    assertThat(inB.getRoutable()).isFalse();
    assertThat(inB.getHealthyEndpoints()).isEqualTo(3); // the pods are fine; the answers are not

    // 90 of 210: 0.43, between recover-ratio and error-ratio: it stays out (no flapping).
    send(token, report("eu-west-1b", "mixed", minute, cart("2xx", 100)));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !routesToB());

    // 90 of 910: 0.099, at most recover-ratio: routable again.
    send(token, report("eu-west-1b", "good", minute, cart("2xx", 700)));
    await().atMost(WAIT).untilAsserted(() -> assertThat(routesToB()).isTrue());
    assertThat(catalog(C2).getFailing()).isFalse();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(serviceHealthAudit())
                    .extracting(AuditEntry::getMessage)
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .startsWith("service checkout/cart: failing by error ratio")
                                .contains("5xx ratio 0.818 over 110 requests"))
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .startsWith("service checkout/cart: error ratio recovered")
                                .contains("over 910 requests")));
  }

  private static TrafficSeries cart(String cls, long requests) {
    return call("web", "storefront", "cart", "checkout", "", cls, requests, 6);
  }

  private static void send(String token, TelemetryReport report) {
    var md = new Metadata();
    md.put(Metadata.Key.of("x-trestle-cluster", Metadata.ASCII_STRING_MARSHALLER), "eu-west-1b");
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    var ack =
        TelemetryIngestGrpc.newBlockingStub(edge)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .report(report);
    assertThat(ack.getAcceptedWindows()).isEqualTo(1);
  }

  /** Whether eu-west-1a's desired state has a ServiceEntry endpoint at eu-west-1b's gateway. */
  private static boolean routesToB() throws Exception {
    DesiredSnapshot snapshot =
        central
            .central()
            .desiredState()
            .snapshot(C1)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return snapshot.getObjectsList().stream()
        .filter(o -> o.getKey().getKind().equals("ServiceEntry"))
        .anyMatch(o -> o.getJson().contains("\"address\":\"10.2.0.10\""));
  }

  private static ServiceInstance catalog(String cluster) {
    return ServiceCatalogGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .listServices(ListServicesRequest.newBuilder().setNamespace("checkout").build())
        .getServices(0)
        .getClustersList()
        .stream()
        .filter(i -> i.getCluster().equals(cluster))
        .findFirst()
        .orElseThrow();
  }

  private static List<AuditEntry> serviceHealthAudit() {
    return AuditServiceGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .query(
            AuditQueryRequest.newBuilder()
                .setResource(C2)
                .setOperation(AuditOperation.SERVICE_HEALTH)
                .build())
        .getEntriesList();
  }

  private static String token(String cluster) {
    return ClusterServiceGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  private static Hello hello(String cluster, String gateway) {
    return Hello.newBuilder()
        .setCluster(cluster)
        .setToken(token(cluster))
        .setAgentVersion("test")
        .setInventory(ServiceCatalogApiTest.inventory(gateway, 3))
        .build();
  }
}
