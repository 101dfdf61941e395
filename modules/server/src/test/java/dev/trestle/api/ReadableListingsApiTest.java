package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller sees of the cluster list and the resource counts follows its permissions, however
 * they are granted: a reader of the organization (one answer for all its clusters), a caller bound
 * on one cluster only (each cluster checked), a role limited to one kind (no cluster at all), and
 * the root admin. The counts ({@code GET /resource-counts}) must equal what the same caller can
 * list; the delete preview names what would go, deletes nothing and is refused like the delete.
 */
class ReadableListingsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String ACME = "organizations/acme";
  private static final String GROUP = ACME + "/tenants/t/workspaces/w/groups/g";
  private static TestCentral central;
  private static String admin;
  private static String reader;
  private static String pinned;
  private static String routesOnly;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure();
    admin = central.adminToken();
    var docs = new StringBuilder();
    docs.append(doc("Organization", "{name: acme}", ""))
        .append(doc("Organization", "{name: other}", ""))
        .append(doc("Cluster", "{name: o1, organization: other}", ""))
        .append(doc("Tenant", "{name: t, organization: acme}", ""))
        .append(
            doc(
                "Workspace",
                "{name: w, organization: acme, tenant: t}",
                "{namespaceSelectors: [\"*/shop\"]}"))
        .append(
            doc(
                "Group",
                "{name: g, organization: acme, tenant: t, workspace: w}",
                "{type: TRAFFIC}"));
    for (int i = 1; i <= 5; i++) {
      docs.append(doc("Cluster", "{name: c" + i + ", organization: acme}", ""));
    }
    for (String route : List.of("r1", "r2")) {
      docs.append(
          doc(
              "ServiceRoute",
              "{name: " + route + ", organization: acme, tenant: t, workspace: w, group: g}",
              "{service: shop/" + route + "}"));
    }
    var applied = send(admin, "POST", "/api/v1/apply", docs.toString());
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    ok(
        send(
            admin,
            "PUT",
            "/api/v1/iam/roles/route-reader",
            "{\"permissions\": [\"PERMISSION_READ\"], \"kinds\": [\"ServiceRoute\"]}"));
    ok(send(admin, "PUT", "/api/v1/iam/roles/viewer", "{\"permissions\": [\"PERMISSION_READ\"]}"));
    reader = principal("users/reader");
    pinned = principal("users/pinned");
    routesOnly = principal("users/routes");
    bind(ACME, "reader", "users/reader");
    bind(ACME + "/clusters/c3", "viewer", "users/pinned");
    bind(ACME, "route-reader", "users/routes");
  }

  @AfterAll
  static void stop() throws Exception {
    if (central != null) {
      central.close();
    }
  }

  @Test
  void eachCallerListsExactlyTheClustersItMayReadOnEveryPage() throws Exception {
    var acme = new ArrayList<String>();
    for (int i = 1; i <= 5; i++) {
      acme.add(ACME + "/clusters/c" + i);
    }
    var all = new ArrayList<>(acme);
    all.add("organizations/other/clusters/o1");
    assertClusters(admin, all);
    assertClusters(reader, acme);
    assertClusters(pinned, List.of(ACME + "/clusters/c3"));
    assertClusters(routesOnly, List.of());

    // One cluster by FQN (the console's cluster page): only one the caller may read.
    JsonNode one = ok(send(pinned, "GET", "/api/v1/clusters?fqn=" + ACME + "/clusters/c3", null));
    assertThat(fqns(one.path("clusters"))).containsExactly(ACME + "/clusters/c3");
    assertThat(
            send(pinned, "GET", "/api/v1/clusters?fqn=" + ACME + "/clusters/c1", null).statusCode())
        .isEqualTo(403);
    assertThat(
            send(admin, "GET", "/api/v1/clusters?fqn=" + ACME + "/clusters/nope", null)
                .statusCode())
        .isEqualTo(404);
  }

  private static void assertClusters(String token, List<String> expected) throws Exception {
    JsonNode whole = ok(send(token, "GET", "/api/v1/clusters", null));
    assertThat(fqns(whole.path("clusters"))).containsExactlyElementsOf(expected);
    assertThat(whole.path("totalSize").asInt()).isEqualTo(expected.size());
    var paged = new ArrayList<String>();
    String pageToken = "";
    do {
      JsonNode page =
          ok(send(token, "GET", "/api/v1/clusters?pageSize=2&pageToken=" + pageToken, null));
      assertThat(page.path("totalSize").asInt()).isEqualTo(expected.size());
      assertThat(page.path("clusters").size()).isLessThanOrEqualTo(2);
      paged.addAll(fqns(page.path("clusters")));
      pageToken = page.path("nextPageToken").asText();
      if (!pageToken.isEmpty()) {
        assertThat(page.path("clusters").size()).isEqualTo(2);
      }
    } while (!pageToken.isEmpty());
    assertThat(paged).containsExactlyElementsOf(expected);
  }

  @Test
  void resourceCountsEqualWhatEachCallerCanList() throws Exception {
    for (String token : List.of(admin, reader, pinned, routesOnly)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(counted(token)).isEqualTo(listed(token)));
    }
    assertThat(listed(routesOnly)).isEqualTo(Map.of("ServiceRoute", 2));
    assertThat(listed(pinned)).isEqualTo(Map.of("Cluster", 1));
  }

  @Test
  void aDeletePreviewNamesWhatWouldGoDeletesNothingAndIsRefusedLikeTheDelete() throws Exception {
    JsonNode preview =
        ok(send(admin, "POST", "/api/v1/impact?delete=" + GROUP + "&cascade=true", null));
    assertThat(preview.path("deleted").get(preview.path("deleted").size() - 1).asText())
        .isEqualTo(GROUP);
    assertThat(fqnTexts(preview.path("deleted")))
        .containsExactlyInAnyOrder(GROUP, GROUP + "/serviceroutes/r1", GROUP + "/serviceroutes/r2");
    ok(send(admin, "GET", "/api/v1/" + GROUP + "/serviceroutes/r1", null));

    // gRPC: the same preview, and the same refusal.
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    try {
      var route = GROUP + "/serviceroutes/r2";
      ImpactResponse grpc =
          stub(channel, admin)
              .previewDeleteImpact(DeleteRequest.newBuilder().setFqn(route).build());
      assertThat(grpc.getDeletedList()).containsExactly(route);
      var refused =
          catchThrowableOfType(
              () ->
                  stub(channel, reader)
                      .previewDeleteImpact(DeleteRequest.newBuilder().setFqn(route).build()),
              StatusRuntimeException.class);
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    ok(send(admin, "GET", "/api/v1/" + GROUP + "/serviceroutes/r2", null));

    assertThat(send(admin, "POST", "/api/v1/impact?delete=" + GROUP, null).statusCode())
        .isEqualTo(409);
    var denied = send(reader, "POST", "/api/v1/impact?delete=" + GROUP + "&cascade=true", null);
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
    assertThat(
            send(admin, "POST", "/api/v1/impact?delete=" + ACME + "/tenants/nope", null)
                .statusCode())
        .isEqualTo(404);
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub stub(
      ManagedChannel channel, String token) {
    var headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The counts the server reports, by kind. */
  private static Map<String, Integer> counted(String token) throws Exception {
    JsonNode counts = ok(send(token, "GET", "/api/v1/resource-counts", null));
    var out = new TreeMap<String, Integer>();
    counts.path("byKind").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
    int sum = out.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(counts.path("total").asInt()).isEqualTo(sum);
    return out;
  }

  /** Everything the caller can list from the root, by kind. */
  private static Map<String, Integer> listed(String token) throws Exception {
    var out = new TreeMap<String, Integer>();
    String pageToken = "";
    do {
      JsonNode page =
          ok(
              send(
                  token,
                  "GET",
                  "/api/v1/?recursive=true&pageSize=1000&pageToken=" + encode(pageToken),
                  null));
      page.path("resources").forEach(r -> out.merge(r.path("kind").asText(), 1, Integer::sum));
      pageToken = page.path("nextPageToken").asText();
    } while (!pageToken.isEmpty());
    return out;
  }

  private static List<String> fqns(JsonNode clusters) {
    var out = new ArrayList<String>();
    clusters.forEach(c -> out.add(c.path("fqn").asText()));
    return out;
  }

  private static List<String> fqnTexts(JsonNode array) {
    var out = new ArrayList<String>();
    array.forEach(t -> out.add(t.asText()));
    return out;
  }

  private static String doc(String kind, String metadata, String spec) {
    return "---\napiVersion: trestle.dev/v1\nkind: "
        + kind
        + "\nmetadata: "
        + metadata
        + "\n"
        + (spec.isEmpty() ? "" : "spec: " + spec + "\n");
  }

  /** Creates the principal and returns a token for it. */
  private static String principal(String name) throws Exception {
    ok(send(admin, "POST", "/api/v1/iam/principals", "{\"name\": \"" + name + "\"}"));
    return ok(send(admin, "POST", "/api/v1/iam/principals/" + name + "/tokens", "{}"))
        .path("token")
        .asText();
  }

  /** Adds a binding of {@code role} to {@code subject} on {@code target}, keeping the others. */
  private static void bind(String target, String role, String subject) throws Exception {
    JsonNode current = ok(send(admin, "GET", "/api/v1/iam/bindings?target=" + target, null));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode bindings = body.putArray("bindings");
    current.path("bindings").forEach(bindings::add);
    bindings.addObject().put("role", role).putArray("subjects").add(subject);
    body.put("version", current.path("version").asText("0"));
    ok(send(admin, "PUT", "/api/v1/iam/bindings?target=" + target, body.toString()));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static JsonNode ok(HttpResponse<String> r) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> send(String token, String method, String path, String body)
      throws IOException {
    var b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.apiPort() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    b.header("authorization", "Bearer " + token);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
