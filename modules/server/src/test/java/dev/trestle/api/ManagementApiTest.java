package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The management API over real gRPC and REST on an ephemeral loopback port. */
class ManagementApiTest {
  private static TestCentral central;
  private static ManagedChannel channel;
  private static ManagementServiceGrpc.ManagementServiceBlockingStub stub;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Metadata.Key<ErrorDetail> DETAIL =
      Metadata.Key.of(
          "trestle-error-bin", ProtoUtils.metadataMarshaller(ErrorDetail.getDefaultInstance()));

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.start();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    stub = ManagementServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  private static List<Resource> docs(String yaml) {
    return ResourceDocuments.parse(yaml).stream()
        .map(
            d -> {
              assertThat(d.error()).as("document parses").isNull();
              return d.resource();
            })
        .toList();
  }

  private static ApplyResponse apply(String yaml) {
    return stub.apply(ApplyRequest.newBuilder().addAllResources(docs(yaml)).build());
  }

  /** Each test gets its own organization so tests stay independent in one server. */
  private static String tree(String org) {
    return TREE.replace("api-org", org);
  }

  private static final String TREE =
      """
      apiVersion: trestle.dev/v1
      kind: Tenant
      metadata: {name: payments, organization: api-org}
      spec: {displayName: Payments}
      ---
      apiVersion: trestle.dev/v1
      kind: Organization
      metadata: {name: api-org, labels: {env: test}}
      spec: {displayName: API test org}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: checkout, organization: api-org, tenant: payments}
      spec: {namespaceSelectors: ["*/checkout"]}
      """;

  @Test
  void appliesParentsFirstAndReadsBack() {
    ApplyResponse response = apply(tree("org-read"));
    assertThat(response.getResultsList())
        .extracting(r -> r.getOutcome())
        .allMatch(o -> o == ApplyOutcome.CREATED || o == ApplyOutcome.UNCHANGED);
    assertThat(response.getResults(0).getFqn())
        .isEqualTo("organizations/org-read/tenants/payments");

    Resource tenant =
        stub.get(GetRequest.newBuilder().setFqn("organizations/org-read/tenants/payments").build());
    assertThat(tenant.getTenant().getDisplayName()).isEqualTo("Payments");
    assertThat(tenant.getMetadata().getVersion()).isEqualTo(1);

    var again = apply(tree("org-read"));
    assertThat(again.getResultsList())
        .extracting(r -> r.getOutcome())
        .containsOnly(ApplyOutcome.UNCHANGED);

    var list =
        stub.list(
            ListRequest.newBuilder()
                .setParent("organizations/org-read")
                .setKind("tenants")
                .build());
    assertThat(list.getResourcesList())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("payments");
  }

  @Test
  void refusesStaleVersionNamingTheCurrentOne() {
    apply(tree("org-stale"));
    String update =
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: org-stale, labels: {env: test}, version: 99}
        spec: {displayName: changed}
        """;
    var result = apply(update).getResults(0);
    assertThat(result.getOutcome()).isEqualTo(ApplyOutcome.FAILED);
    assertThat(result.getError().getCode()).isEqualTo("CONFLICT");
    assertThat(result.getError().getMessage()).contains("current version");
    assertThat(
            stub.get(GetRequest.newBuilder().setFqn("organizations/org-stale").build())
                .getOrganization()
                .getDisplayName())
        .isEqualTo("API test org");
  }

  @Test
  void getOfMissingResourceIsNotFoundWithDetail() {
    assertThatThrownBy(() -> stub.get(GetRequest.newBuilder().setFqn("organizations/nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              ErrorDetail detail = Status.trailersFromThrowable(e).get(DETAIL);
              assertThat(detail.getCode()).isEqualTo("NOT_FOUND");
              assertThat(detail.getFqn()).isEqualTo("organizations/nope");
            });
  }

  @Test
  void deleteWithChildrenIsRefusedUnlessCascade() {
    apply(tree("org-delete"));
    assertThatThrownBy(
            () ->
                stub.delete(
                    DeleteRequest.newBuilder()
                        .setFqn("organizations/org-delete/tenants/payments")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(Status.trailersFromThrowable(e).get(DETAIL).getChildrenList())
                  .containsExactly("organizations/org-delete/tenants/payments/workspaces/checkout");
            });
    var deleted =
        stub.delete(
            DeleteRequest.newBuilder()
                .setFqn("organizations/org-delete/tenants/payments")
                .setCascade(true)
                .build());
    assertThat(deleted.getDeletedList())
        .containsExactly(
            "organizations/org-delete/tenants/payments/workspaces/checkout",
            "organizations/org-delete/tenants/payments");
  }

  @Test
  void restServesTheSameResources() throws Exception {
    apply(tree("org-rest"));
    var get =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/organizations/org-rest")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).contains("\"kind\" : \"Organization\"").contains("API test org");

    var missing =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/organizations/none")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"code\" : \"NOT_FOUND\"");

    var badYaml =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/apply"))
                .POST(HttpRequest.BodyPublishers.ofString("kind: [unclosed"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(badYaml.statusCode()).isEqualTo(400);
    assertThat(badYaml.body()).contains("malformed");
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + central.apiPort() + path);
  }
}
