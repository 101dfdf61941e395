package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestCentral;
import dev.trestle.testing.TestStorage;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** Applies examples/, checks the stored tree survives a restart, then throws bad input at it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(StorageSelection.class)
class ExamplesRestartAndBadInputTest {
  private static final Path EXAMPLES = Path.of("../../examples/acme");
  private static TestCentral central;
  private static ManagedChannel channel;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start(TestStorage storage) throws Exception {
    central = TestCentral.start(storage);
    connect();
  }

  private static void connect() {
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub stub() {
    return ManagementServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  static List<Resource> exampleDocuments() throws Exception {
    var docs = new ArrayList<Resource>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (var d : ResourceDocuments.parse(Files.readString(f))) {
          assertThat(d.error()).as(f + " " + d.position()).isNull();
          docs.add(d.resource());
        }
      }
    }
    // Reverse the files so the server, not the file order, must put parents first.
    java.util.Collections.reverse(docs);
    return docs;
  }

  /** FQN → version of everything stored. */
  private static Map<String, Long> everything() {
    var out = new TreeMap<String, Long>();
    String token = "";
    do {
      var page =
          stub()
              .list(
                  ListRequest.newBuilder()
                      .setRecursive(true)
                      .setPageSize(7)
                      .setPageToken(token)
                      .build());
      page.getResourcesList()
          .forEach(r -> out.put(r.getMetadata().getFqn(), r.getMetadata().getVersion()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  @Test
  @Order(1)
  void examplesApplyParentsFirstAndSurviveRestart() throws Exception {
    var docs = exampleDocuments();
    var results =
        stub().apply(ApplyRequest.newBuilder().addAllResources(docs).build()).getResultsList();
    assertThat(results)
        .as("every example document is created")
        .allSatisfy(
            r ->
                assertThat(r.getOutcome())
                    .as(r.getFqn() + " " + r.getError().getMessage())
                    .isEqualTo(ApplyOutcome.CREATED));
    var before = everything();
    assertThat(before).hasSize(docs.size());
    assertThat(before.keySet())
        .contains("organizations/acme", "organizations/acme/clusters/us-east-1a");

    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.restart();
    connect();

    assertThat(everything()).isEqualTo(before);
    var again =
        stub().apply(ApplyRequest.newBuilder().addAllResources(docs).build()).getResultsList();
    assertThat(again).extracting(ApplyResult::getOutcome).containsOnly(ApplyOutcome.UNCHANGED);
  }

  private static ApplyResult applyOne(String yaml) {
    var parsed = ResourceDocuments.parse(yaml);
    assertThat(parsed).hasSize(1);
    assertThat(parsed.get(0).error()).isNull();
    return stub()
        .apply(ApplyRequest.newBuilder().addResources(parsed.get(0).resource()).build())
        .getResults(0);
  }

  @Test
  @Order(2)
  void badInputIsRefusedClearlyAndChangesNothing() throws Exception {
    var before = everything();

    var badName =
        applyOne(
            """
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: Bad_Name, organization: acme}
            """);
    assertThat(badName.getError().getFieldViolations(0).getField()).isEqualTo("metadata.name");

    var missingParent =
        applyOne(
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: w, organization: acme, tenant: nobody}
            spec: {namespaceSelectors: ["*/x"]}
            """);
    assertThat(missingParent.getError().getCode()).isEqualTo("FAILED_PRECONDITION");
    assertThat(missingParent.getError().getMessage())
        .contains("parent organizations/acme/tenants/nobody does not exist");

    var stale =
        applyOne(
            """
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: payments, organization: acme, version: 7}
            spec: {displayName: renamed}
            """);
    assertThat(stale.getError().getCode()).isEqualTo("CONFLICT");
    assertThat(stale.getError().getCurrentVersion()).isEqualTo(1);

    assertThat(
            ResourceDocuments.parse(
                    "apiVersion: trestle.dev/v1\nkind: Gizmo\nmetadata: {name: x}\n")
                .get(0)
                .error())
        .hasMessageContaining("kind: unknown kind 'Gizmo'");
    assertThat(
            ResourceDocuments.parse(
                    "apiVersion: trestle.dev/v1\n"
                        + "kind: Tenant\n"
                        + "metadata: {name: x}\n"
                        + "spec: {colour: red}\n")
                .get(0)
                .error())
        .hasMessageContaining("spec.colour: unknown field");

    var malformed = post("/api/v1/apply", "kind: Tenant\nmetadata: {name: [\n");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("malformed YAML/JSON");

    var unknownKind =
        post("/api/v1/apply", "apiVersion: trestle.dev/v1\nkind: Gizmo\nmetadata: {name: x}\n");
    assertThat(unknownKind.statusCode()).isEqualTo(400);
    assertThat(unknownKind.body()).contains("unknown kind 'Gizmo'");

    String huge =
        "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: big, description: \""
            + "x".repeat(5 * 1024 * 1024)
            + "\"}\n";
    var oversize =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/apply"))
                .POST(HttpRequest.BodyPublishers.ofString(huge))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(oversize.statusCode()).isEqualTo(413);
    assertThat(oversize.body())
        .contains("\"TOO_LARGE\"")
        .contains("the limit is 4194304 bytes (4 MiB)")
        .doesNotContain("malformed");
    // the same body without a declared length (chunked) is refused for its size too
    var chunked =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/apply"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(chunked.body())
        .contains("the limit is 4194304 bytes (4 MiB)")
        .doesNotContain("malformed");
    // 4 MiB means bytes: 1.5 M three-byte characters (4.5 MB) are over it, 1.3 M (3.9 MB) are not
    String wide = "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: wide}\n# ";
    var overInBytes = post("/api/v1/apply?dryRun", wide + "\u20ac".repeat(1_500_000) + "\n");
    assertThat(overInBytes.statusCode()).as(overInBytes.body()).isEqualTo(413);
    var underInBytes = post("/api/v1/apply?dryRun", wide + "\u20ac".repeat(1_300_000) + "\n");
    assertThat(underInBytes.statusCode()).as(underInBytes.body()).isEqualTo(200);

    var badSelector =
        get(
            "/api/v1/organizations/acme/tenants?labelSelector="
                + java.net.URLEncoder.encode("env=!!", "UTF-8"));
    assertThat(badSelector.statusCode()).isEqualTo(400);
    assertThat(badSelector.body()).contains("labelSelector");

    var badToken = get("/api/v1/organizations?pageToken=bm90LWEtdG9rZW4");
    assertThat(badToken.statusCode()).isEqualTo(400);
    assertThat(badToken.body()).contains("pageToken");

    // Issue 16: YAML aliases resolve (never the anchor's name as a value), a bomb is refused
    // cheaply, a trailing '---' is fine, errors name the field path and no library internals,
    // and the 4 MiB limit is 4 MiB of bytes.
    var aliased =
        post(
            "/api/v1/apply?dryRun",
            "apiVersion: trestle.dev/v1\nkind: Organization\n"
                + "metadata: {name: aliased, description: &d Aliased-Value}\n"
                + "spec: {displayName: *d}\n---\n");
    assertThat(aliased.statusCode()).as(aliased.body()).isEqualTo(200);
    assertThat(aliased.body().split("Aliased-Value", -1)).as(aliased.body()).hasSizeGreaterThan(2);

    var bomb = new StringBuilder("apiVersion: trestle.dev/v1\nkind: Organization\nmetadata:\n");
    bomb.append("  name: bomb\n  labels:\n    a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      bomb.append("    ").append(c).append(": &").append(c).append(" [");
      bomb.append(String.join(",", Collections.nCopies(9, "*" + (char) (c - 1))));
      bomb.append("]\n");
    }
    var bombed = post("/api/v1/apply?dryRun", bomb.toString());
    assertThat(bombed.statusCode()).isEqualTo(400);
    assertThat(bombed.body()).contains("aliases expand this document beyond");

    var typed =
        post(
            "/api/v1/apply?dryRun",
            "apiVersion: trestle.dev/v1\nkind: Organization\n"
                + "metadata: {name: typed, deletionProtection: maybe}\n");
    assertThat(typed.statusCode()).isEqualTo(400);
    assertThat(typed.body()).contains("metadata.deletionProtection: expected true or false");

    var deep = post("/api/v1/apply?dryRun", "[".repeat(2000) + "]".repeat(2000));
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(deep.body())
        .contains("nests deeper than 64")
        .doesNotContain("StreamReadConstraints");

    var large =
        post(
            "/api/v1/apply?dryRun",
            "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: large}\n"
                + ("# " + "x".repeat(97) + "\n").repeat(36_000));
    assertThat(large.statusCode()).as("3.6 MB is under the 4 MiB limit").isEqualTo(200);

    // Issue 16 point 9: gRPC refuses a missing or unsupported apiVersion as REST does, with the
    // same words (a Resource message has no line to name).
    for (String apiVersion : List.of("bogus/v9", "")) {
      var tenant =
          ResourceDocuments.parse(
                  "apiVersion: trestle.dev/v1\nkind: Tenant\n"
                      + "metadata: {name: versioned, organization: acme}\n")
              .get(0)
              .resource()
              .toBuilder()
              .setApiVersion(apiVersion)
              .build();
      var grpc =
          assertThrows(
              StatusRuntimeException.class,
              () -> stub().apply(ApplyRequest.newBuilder().addResources(tenant).build()));
      assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      var rest =
          post(
              "/api/v1/apply",
              (apiVersion.isEmpty() ? "" : "apiVersion: " + apiVersion + "\n")
                  + "kind: Tenant\nmetadata: {name: versioned, organization: acme}\n");
      assertThat(rest.statusCode()).isEqualTo(400);
      String restMessage = CanonicalJson.MAPPER.readTree(rest.body()).path("message").asText();
      assertThat(restMessage).startsWith("document 1 (line 1): apiVersion: ");
      assertThat(grpc.getStatus().getDescription())
          .as(apiVersion)
          .isEqualTo(restMessage.replace(" (line 1)", ""));
    }

    assertThat(everything()).as("nothing changed").isEqualTo(before);
  }

  @Test
  @Order(3)
  void cascadeDeleteHonoursDeletionProtection() throws Exception {
    var refused = delete("/api/v1/organizations/acme?cascade=true");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("deletionProtection").contains("organizations/acme");
    assertThat(everything()).containsKey("organizations/acme/tenants/retail");

    var retail = delete("/api/v1/organizations/acme/tenants/retail?cascade=true");
    assertThat(retail.statusCode()).isEqualTo(200);
    assertThat(everything().keySet())
        .noneMatch(f -> f.startsWith("organizations/acme/tenants/retail"));
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> delete(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + central.apiPort() + path);
  }
}
