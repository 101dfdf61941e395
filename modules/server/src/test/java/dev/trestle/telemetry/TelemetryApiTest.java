package dev.trestle.telemetry;

import static dev.trestle.telemetry.TelemetryReports.call;
import static dev.trestle.telemetry.TelemetryReports.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.Destination;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.TelemetryIngestGrpc;
import dev.trestle.protocol.v1.TelemetryQueryGrpc;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryReportAck;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TimeRange;
import dev.trestle.protocol.v1.TopologyRequest;
import dev.trestle.protocol.v1.TopologyResponse;
import dev.trestle.testing.TestCentral;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Telemetry end to end on a real central: edges report on the edge port with their join tokens,
 * callers query over gRPC and REST and see only what their READ bindings cover.
 */
class TelemetryApiTest {
  private static TestCentral central;
  private static ManagedChannel api;
  private static ManagedChannel edge;
  private static String admin;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  // A minute well inside the minutes' retention, in the past.
  private static final long MINUTE = (Instant.now().getEpochSecond() / 60) * 60 - 10 * 60;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure("");
    api = channel(central.apiPort());
    edge = channel(central.central().edgeAddress().getPort());
    admin = central.adminToken();
    applyAcme();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.shutdownNow();
    api.shutdownNow();
    central.close();
  }

  @Test
  void reportedRatesErrorsAndLatencyAreQueriedOverRest() throws Exception {
    String token = joinToken("eu-west-1a");
    // web (storefront) calls cart (checkout): 60 + 30 requests, 9 of them 5xx, in one minute.
    var first =
        report(
            "eu-west-1a",
            "agent-1",
            MINUTE,
            call("web", "storefront", "cart", "checkout", "", "2xx", 54, 6),
            call("web", "storefront", "cart", "checkout", "", "5xx", 6, 9));
    var second =
        report(
            "eu-west-1a",
            "agent-1",
            MINUTE + 30,
            call("web", "storefront", "cart", "checkout", "", "2xx", 27, 6),
            call("web", "storefront", "cart", "checkout", "", "5xx", 3, 9));
    assertThat(ingest("eu-west-1a", token).report(first).getAcceptedWindows()).isEqualTo(1);
    assertThat(ingest("eu-west-1a", token).report(second).getAcceptedWindows()).isEqualTo(1);
    // The edge resends after a lost answer: recognised, not counted twice.
    TelemetryReportAck again = ingest("eu-west-1a", token).report(first);
    assertThat(again.getDuplicateWindows()).isEqualTo(1);
    assertThat(again.getAcceptedWindows()).isZero();

    JsonNode traffic =
        get(
            "/api/v1/telemetry/services/cart.checkout?scope=organizations/acme&start="
                + Instant.ofEpochSecond(MINUTE)
                + "&end="
                + Instant.ofEpochSecond(MINUTE + 60),
            admin);
    JsonNode cart = traffic.path("services").get(0);
    assertThat(cart.path("service").asText()).isEqualTo("cart");
    assertThat(cart.path("cluster").asText()).isEqualTo("eu-west-1a");
    JsonNode total = cart.path("total");
    assertThat(total.path("requests").asLong()).isEqualTo(90);
    assertThat(total.path("requestsPerSecond").asDouble()).isEqualTo(1.5);
    assertThat(total.path("errors5xx").asLong()).isEqualTo(9);
    assertThat(total.path("errorRatio").asDouble()).isEqualTo(0.1);
    // 81 of 90 in (50, 100] ms, 9 in (500, 1000]: p50 inside the first, p99 inside the second
    // (rank 89.1 of 90: 500 + 500 * 8.1 / 9, interpolated as histogram_quantile does).
    assertThat(total.path("p50Ms").asDouble()).isBetween(50.0, 100.0);
    assertThat(total.path("p99Ms").asDouble()).isCloseTo(950.0, within(0.001));

    JsonNode top =
        get("/api/v1/telemetry/top?scope=organizations/acme/tenants/payments&window=30m", admin);
    assertThat(top.path("services").get(0).path("service").asText()).isEqualTo("cart");
    // The scope's summary: every service of the scope (all are listed here) summed.
    long listed = 0;
    for (JsonNode s : top.path("services")) {
      listed += s.path("total").path("requests").asLong();
    }
    assertThat(top.path("total").path("requests").asLong()).isEqualTo(listed).isPositive();
  }

  @Test
  void aCrossClusterCallIsMarkedAndOthersNamespacesCollapseToUnknown() throws Exception {
    String token = joinToken("us-east-1a");
    // checkout in us-east-1a calls inventory in eu-west-1a (cross-cluster), and reaches an
    // external payment provider.
    var r =
        report(
            "us-east-1a",
            "agent-us",
            MINUTE - 120,
            call("checkout-api", "checkout", "stock", "inventory", "eu-west-1a", "2xx", 120, 5),
            call("checkout-api", "checkout", "api.psp.example", "", "", "2xx", 12, 7));
    assertThat(ingest("us-east-1a", token).report(r).getAcceptedWindows()).isEqualTo(1);
    var topology = topology("organizations/acme", MINUTE - 120, MINUTE - 60);
    assertThat(topology.getEdgesList())
        .anySatisfy(
            e -> {
              assertThat(e.getSource()).isEqualTo("checkout-api.checkout@us-east-1a");
              assertThat(e.getDestination()).isEqualTo("stock.inventory@eu-west-1a");
              assertThat(e.getCrossCluster()).isTrue();
              assertThat(e.getRequestsPerSecond()).isEqualTo(2.0);
            })
        .anySatisfy(
            e -> {
              assertThat(e.getDestination()).isEqualTo("external:api.psp.example");
              assertThat(e.getCrossCluster()).isFalse();
            });

    // A reader of the checkout workspace only: the inventory side is not theirs.
    String reader =
        userWithRole(
            "checkout-reader", "reader", "organizations/acme/tenants/payments/workspaces/checkout");
    JsonNode seen =
        get(
            "/api/v1/telemetry/topology?scope=organizations/acme&start="
                + Instant.ofEpochSecond(MINUTE - 120)
                + "&end="
                + Instant.ofEpochSecond(MINUTE - 60),
            reader);
    List<String> ids = new ArrayList<>();
    seen.path("nodes").forEach(n -> ids.add(n.path("id").asText()));
    assertThat(ids).contains("checkout-api.checkout@us-east-1a", "unknown");
    assertThat(ids).doesNotContain("stock.inventory@eu-west-1a");
    // And the inventory service's own traffic is not shown to them at all.
    JsonNode stock =
        get(
            "/api/v1/telemetry/services/stock?start="
                + Instant.ofEpochSecond(MINUTE - 120)
                + "&end="
                + Instant.ofEpochSecond(MINUTE - 60),
            reader);
    assertThat(stock.path("services").size()).isZero();
  }

  @Test
  void aWorkspaceTopologyHoldsTheCallsOfItsNamespacesAndNoOthers() throws Exception {
    String token = joinToken("eu-west-1a");
    long start = MINUTE - 300;
    // reserve has no namespace label: its namespace comes from the service name.
    var unlabelled =
        call("web", "storefront", "reserve", "inventory", "", "2xx", 3, 5).toBuilder()
            .setDestination(Destination.newBuilder().setService("reserve.inventory.svc"))
            .build();
    var r =
        report(
            "eu-west-1a",
            "agent-eu",
            start,
            call("web", "storefront", "stock", "inventory", "", "2xx", 30, 5),
            call("stock", "inventory", "journal", "ledger", "", "2xx", 6, 5),
            call("web", "storefront", "cart", "checkout", "", "2xx", 9, 5),
            unlabelled);
    assertThat(ingest("eu-west-1a", token).report(r).getAcceptedWindows()).isEqualTo(1);
    var topology =
        topology("organizations/acme/tenants/retail/workspaces/inventory", start, start + 60);
    List<String> ids = new ArrayList<>();
    topology.getNodesList().forEach(n -> ids.add(n.getId()));
    assertThat(ids)
        .containsExactlyInAnyOrder(
            "web.storefront@eu-west-1a",
            "stock.inventory@eu-west-1a",
            "reserve.inventory@eu-west-1a",
            "journal.ledger@eu-west-1a");
  }

  /** The topology of {@code scope} over [{@code start}, {@code end}), as the administrator. */
  private static TopologyResponse topology(String scope, long start, long end) {
    return TelemetryQueryGrpc.newBlockingStub(api)
        .withCallCredentials(bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .topology(
            TopologyRequest.newBuilder()
                .setScope(scope)
                .setRange(
                    TimeRange.newBuilder()
                        .setStart(Timestamp.newBuilder().setSeconds(start))
                        .setEnd(Timestamp.newBuilder().setSeconds(end)))
                .build());
  }

  @Test
  void aTokenOfAnotherClusterIsRefusedUnauthenticated() {
    String token = joinToken("eu-west-1b");
    var r =
        report(
            "eu-west-1a",
            "agent-x",
            MINUTE,
            call("a", "storefront", "b", "storefront", "", "2xx", 1, 1));
    assertThatThrownBy(() -> ingest("eu-west-1a", token).report(r))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("eu-west-1b");
            });
    assertThatThrownBy(() -> ingest("eu-west-1a", "trjt.garbage").report(r))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aMalformedWindowIsRefusedWithWhereAndWhy() {
    String token = joinToken("eu-west-1b");
    var bad =
        TelemetryReport.newBuilder()
            .setCluster("organizations/acme/clusters/eu-west-1b")
            .setAgentInstance("a")
            .addWindows(
                TelemetryWindow.newBuilder()
                    .setStart(Timestamp.newBuilder().setSeconds(MINUTE))
                    .addBucketBoundsMs(10)
                    .addBucketBoundsMs(5))
            .build();
    assertThatThrownBy(() -> ingest("eu-west-1b", token).report(bad))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("windows[0].bucket_bounds_ms");
            });
  }

  // ---- helpers ----

  static TelemetryIngestGrpc.TelemetryIngestBlockingStub ingest(String cluster, String token) {
    var md = new Metadata();
    md.put(Metadata.Key.of("x-trestle-cluster", Metadata.ASCII_STRING_MARSHALLER), cluster);
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return TelemetryIngestGrpc.newBlockingStub(edge)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static String joinToken(String cluster) {
    return ClusterServiceGrpc.newBlockingStub(api)
        .withCallCredentials(bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  static String userWithRole(String name, String role, String target) {
    var iam =
        IamServiceGrpc.newBlockingStub(api)
            .withCallCredentials(bearer(admin))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    iam.createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/" + name).build());
    String token =
        iam.issueToken(IssueTokenRequest.newBuilder().setPrincipal("users/" + name).build())
            .getToken();
    var current =
        iam.getAccessBindings(GetAccessBindingsRequest.newBuilder().setTarget(target).build());
    iam.setAccessBindings(
        SetAccessBindingsRequest.newBuilder()
            .setTarget(target)
            .addAllBindings(current.getBindingsList())
            .addBindings(Binding.newBuilder().setRole(role).addSubjects("users/" + name))
            .build());
    return token;
  }

  static JsonNode get(String path, String token) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.apiPort() + path))
                .header("authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return CanonicalJson.MAPPER.readTree(response.body());
  }

  static void applyAcme() throws Exception {
    var docs = new StringBuilder();
    try (Stream<Path> files = Files.list(Path.of("../../examples/acme"))) {
      for (Path f : files.sorted().toList()) {
        docs.append(Files.readString(f)).append("\n---\n");
      }
    }
    ManagementServiceGrpc.newBlockingStub(api)
        .withCallCredentials(bearer(admin))
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .apply(
            ApplyRequest.newBuilder()
                .addAllResources(
                    ResourceDocuments.parse(docs.toString()).stream()
                        .map(d -> d.resource())
                        .filter(Objects::nonNull)
                        .toList())
                .build());
  }

  static ManagedChannel channel(int port) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .build();
  }

  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        var md = new Metadata();
        md.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(md);
      }
    };
  }
}
