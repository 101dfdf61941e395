package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** trestle.audit.scan-budget over gRPC and REST: partial pages are flagged and continue. */
class AuditScanBudgetApiTest {
  private static final int BUDGET = 2;
  private static TestCentral central;
  private static ManagedChannel channel;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.start("trestle.audit.scan-budget = " + BUDGET + "\n");
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    var yaml =
        new StringBuilder(
            "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: budget-org}\n");
    for (int i = 0; i < 6; i++) {
      yaml.append("---\napiVersion: trestle.dev/v1\nkind: Tenant\nmetadata: {name: t")
          .append(i)
          .append(", organization: budget-org}\nspec: {displayName: \"T")
          .append(i)
          .append("\"}\n");
    }
    var docs = ResourceDocuments.parse(yaml.toString()).stream().map(d -> d.resource()).toList();
    ManagementServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .apply(ApplyRequest.newBuilder().addAllResources(docs).build());
    // principal is answered by an index: one page, no budget. Wait for every row the apply
    // makes (each create, and the binding that makes its creator admin of it): the tests compare
    // two reads of the log, which must not race the projection.
    int rows = 2 * docs.size();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                audit()
                        .query(
                            AuditQueryRequest.newBuilder()
                                .setPrincipal("users/dev")
                                .setPageSize(100)
                                .build())
                        .getEntriesCount()
                    >= rows);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  private static AuditServiceGrpc.AuditServiceBlockingStub audit() {
    return AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Test
  void grpcFlagsPartialPagesAndTheirTokensContinueToTheEnd() {
    var all =
        audit()
            .query(
                AuditQueryRequest.newBuilder().setPrincipal("users/dev").setPageSize(100).build());
    assertThat(all.getScanBudgetExhausted()).isFalse();
    assertThat(all.getRowsExamined()).isEqualTo(all.getEntriesCount());
    var subtree = new ArrayList<AuditEntry>();
    for (var e : all.getEntriesList()) {
      if (e.getFqn().startsWith("organizations/budget-org")) {
        subtree.add(e);
      }
    }

    var collected = new ArrayList<AuditEntry>();
    String token = "";
    int partial = 0;
    for (int calls = 0; calls < 100; calls++) {
      AuditQueryResponse page =
          audit()
              .query(
                  AuditQueryRequest.newBuilder()
                      .setResource("organizations/budget-org")
                      .setRecursive(true)
                      .setPageSize(3)
                      .setPageToken(token)
                      .build());
      assertThat(page.getRowsExamined()).isLessThanOrEqualTo(BUDGET);
      if (page.getScanBudgetExhausted()) {
        partial++;
        assertThat(page.getNextPageToken()).isNotEmpty();
      }
      collected.addAll(page.getEntriesList());
      token = page.getNextPageToken();
      if (token.isEmpty()) {
        break;
      }
    }
    assertThat(token).isEmpty();
    assertThat(partial).isPositive();
    assertThat(collected).isEqualTo(subtree);
  }

  @Test
  void restCarriesTheFlagAndTheRowsExamined() throws Exception {
    JsonNode partial = rest("text=" + URLEncoder.encode("no such words", StandardCharsets.UTF_8));
    assertThat(partial.get("scanBudgetExhausted").asBoolean()).isTrue();
    assertThat(partial.get("rowsExamined").asInt()).isEqualTo(BUDGET);
    assertThat(partial.get("entries")).isEmpty();
    String token = partial.get("nextPageToken").asText();
    assertThat(token).isNotEmpty();
    JsonNode next = rest("text=no+such+words&pageToken=" + token);
    assertThat(next.get("rowsExamined").asInt()).isPositive();

    JsonNode served = rest("principal=users/dev&pageSize=2");
    assertThat(served.get("scanBudgetExhausted").isBoolean()).isTrue();
    assertThat(served.get("scanBudgetExhausted").asBoolean()).isFalse();
    assertThat(served.get("rowsExamined").asInt()).isEqualTo(3);
    assertThat(served.get("entries")).hasSize(2);
  }

  private static JsonNode rest(String query) throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + central.apiPort() + "/api/v1/audit?" + query))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
