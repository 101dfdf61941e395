package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestCentral;
import dev.trestle.testing.TestStorage;
import io.grpc.ClientInterceptors;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit log over real gRPC/REST: rows for every change and refusal, filters, paging, hostility.
 */
@ExtendWith(StorageSelection.class)
class AuditApiTest {
  private static final String ORG = "audit-org";
  private static TestCentral central;
  private static ManagedChannel channel;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start(TestStorage storage) throws Exception {
    central = TestCentral.start(storage);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    // A known history: create org+tenant as alice, update the tenant twice as bob, one refusal,
    // delete.
    apply("users/alice", tenantDoc("Payments", "") + "---\n" + orgDoc());
    apply("users/bob", tenantDoc("Payments EU", ""));
    apply("users/bob", tenantDoc("Payments EU+", ""));
    apply("users/mallory", tenantDoc("stale write", "version: 1"));
    apply(
        "users/alice",
        """
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: retired, organization: audit-org}
        """);
    management("users/alice")
        .delete(
            DeleteRequest.newBuilder().setFqn("organizations/audit-org/tenants/retired").build());
    // Slices are projected independently: wait for the last change of each resource, not a count.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var rows =
                  query(
                      AuditQueryRequest.newBuilder()
                          .setResource("organizations/" + ORG)
                          .setRecursive(true)
                          .setPageSize(100));
              return rows.stream()
                      .anyMatch(
                          r ->
                              r.getFqn().endsWith("/tenants/retired")
                                  && r.getOperation() == AuditOperation.DELETE)
                  && rows.stream().filter(r -> r.getFqn().endsWith("/tenants/payments")).count()
                      >= 3
                  && rows.stream().anyMatch(r -> r.getFqn().equals("organizations/" + ORG));
            });
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  private static String orgDoc() {
    return "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: " + ORG + "}\n";
  }

  private static String tenantDoc(String displayName, String extraMetadata) {
    return "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata: {name: payments, organization: "
        + ORG
        + (extraMetadata.isEmpty() ? "" : ", " + extraMetadata)
        + "}\nspec: {displayName: \""
        + displayName
        + "\"}\n";
  }

  private static Metadata user(String principal) {
    var md = new Metadata();
    md.put(Metadata.Key.of("x-trestle-user", Metadata.ASCII_STRING_MARSHALLER), principal);
    return md;
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub management(String principal) {
    return ManagementServiceGrpc.newBlockingStub(
            ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(user(principal))))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static AuditServiceGrpc.AuditServiceBlockingStub audit() {
    return AuditServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static void apply(String principal, String yaml) {
    var docs = ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList();
    management(principal).apply(ApplyRequest.newBuilder().addAllResources(docs).build());
  }

  private static List<AuditEntry> query(AuditQueryRequest.Builder request) {
    return audit().query(request.build()).getEntriesList();
  }

  @Test
  void recordsEveryAcceptedChangeWithPrincipalVersionAndDiff() {
    var rows =
        query(
            AuditQueryRequest.newBuilder()
                .setResource("organizations/" + ORG + "/tenants/payments")
                .setOutcome(AuditOutcome.ACCEPTED));
    assertThat(rows).extracting(AuditEntry::getVersion).containsExactly(3L, 2L, 1L);
    assertThat(rows)
        .extracting(AuditEntry::getPrincipal)
        .containsExactly("users/bob", "users/bob", "users/alice");
    assertThat(rows)
        .extracting(AuditEntry::getOperation)
        .containsExactly(AuditOperation.UPDATE, AuditOperation.UPDATE, AuditOperation.CREATE);
    var newest = rows.get(0);
    assertThat(newest.getChangesList())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getPath()).isEqualTo("spec.displayName");
              assertThat(c.getBefore()).isEqualTo("\"Payments EU\"");
              assertThat(c.getAfter()).isEqualTo("\"Payments EU+\"");
            });
    assertThat(newest.getRequestId()).isNotEmpty();
    assertThat(newest.getMessage()).contains("spec.displayName");
  }

  @Test
  void refusedAttemptsAreAuditedWithoutPayload() {
    var refused = query(AuditQueryRequest.newBuilder().setPrincipal("users/mallory"));
    assertThat(refused)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(AuditOutcome.REFUSED);
              assertThat(r.getFqn()).isEqualTo("organizations/" + ORG + "/tenants/payments");
              assertThat(r.getMessage()).startsWith("CONFLICT").contains("current version");
              assertThat(r.getMessage()).doesNotContain("stale write");
              assertThat(r.getChangesCount()).isZero();
            });
  }

  @Test
  void filtersCombineAndSubtreeQueriesIncludeDeletedResources() {
    var subtree =
        query(
            AuditQueryRequest.newBuilder()
                .setResource("organizations/" + ORG)
                .setRecursive(true)
                .setPageSize(100));
    assertThat(subtree)
        .extracting(AuditEntry::getFqn)
        .contains("organizations/" + ORG + "/tenants/retired");
    var exact = query(AuditQueryRequest.newBuilder().setResource("organizations/" + ORG));
    assertThat(exact).extracting(AuditEntry::getFqn).containsOnly("organizations/" + ORG);
    var deletes =
        query(
            AuditQueryRequest.newBuilder()
                .setResource("organizations/" + ORG)
                .setRecursive(true)
                .setOperation(AuditOperation.DELETE));
    assertThat(deletes).singleElement().satisfies(d -> assertThat(d.getVersion()).isEqualTo(2));
    var tenantsByAlice =
        query(AuditQueryRequest.newBuilder().setPrincipal("users/alice").setKind("tn"));
    assertThat(tenantsByAlice).extracting(AuditEntry::getKind).containsOnly("Tenant");
    assertThat(query(AuditQueryRequest.newBuilder().setText("field changed: spec.displayName")))
        .hasSize(2);
    assertThat(query(AuditQueryRequest.newBuilder().setPrincipal("users/bob").setSince("1h")))
        .hasSize(2);
    String future = Instant.now().plus(Duration.ofDays(1)).toString();
    assertThat(query(AuditQueryRequest.newBuilder().setSince(future))).isEmpty();
    assertThat(
            query(
                AuditQueryRequest.newBuilder()
                    .setPrincipal("users/bob")
                    .setUntil("2000-01-01T00:00:00Z")))
        .isEmpty();
  }

  @Test
  void pagesCoverEveryRowOnceNewestFirst() {
    var all =
        query(
            AuditQueryRequest.newBuilder()
                .setResource("organizations/" + ORG)
                .setRecursive(true)
                .setPageSize(1000));
    var paged = new ArrayList<AuditEntry>();
    String token = "";
    int pages = 0;
    do {
      var page =
          audit()
              .query(
                  AuditQueryRequest.newBuilder()
                      .setResource("organizations/" + ORG)
                      .setRecursive(true)
                      .setPageSize(2)
                      .setPageToken(token)
                      .build());
      assertThat(page.getEntriesCount()).isLessThanOrEqualTo(2);
      paged.addAll(page.getEntriesList());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 100);
    assertThat(paged).isEqualTo(all);
    assertThat(new HashSet<>(paged.stream().map(AuditEntry::getId).toList())).hasSize(paged.size());
    for (int i = 1; i < paged.size(); i++) {
      var a = paged.get(i - 1).getTime();
      var b = paged.get(i).getTime();
      assertThat(a.getSeconds() * 1_000_000_000L + a.getNanos())
          .isGreaterThanOrEqualTo(b.getSeconds() * 1_000_000_000L + b.getNanos());
    }
  }

  @Test
  void hostileFiltersGiveClearErrorsOrCorrectEmptyResults() throws Exception {
    for (String hostile :
        List.of(
            "' OR '1'='1", "bob' --", "%", "_ob", "\\", "\"; DROP TABLE trestle_audit_log; --")) {
      assertThat(query(AuditQueryRequest.newBuilder().setPrincipal(hostile))).as(hostile).isEmpty();
      assertThat(query(AuditQueryRequest.newBuilder().setText(hostile))).as(hostile).isEmpty();
    }
    assertThat(query(AuditQueryRequest.newBuilder().setText("SPEC.DISPLAYNAME")))
        .as("case-insensitive")
        .hasSize(2);
    invalid(AuditQueryRequest.newBuilder().setPageSize(1_000_000), "pageSize");
    invalid(AuditQueryRequest.newBuilder().setPageSize(-1), "pageSize");
    invalid(AuditQueryRequest.newBuilder().setSince("yesterday"), "since");
    invalid(AuditQueryRequest.newBuilder().setUntil("2026-13-45T99:00:00Z"), "until");
    invalid(
        AuditQueryRequest.newBuilder()
            .setSince("2026-01-02T00:00:00Z")
            .setUntil("2026-01-01T00:00:00Z"),
        "since");
    invalid(AuditQueryRequest.newBuilder().setPageToken("garbage!"), "pageToken");
    invalid(AuditQueryRequest.newBuilder().setResource("organizations/x/' OR 1=1"), "resource");
    invalid(AuditQueryRequest.newBuilder().setKind("Robot"), "kind");
    String token =
        audit().query(AuditQueryRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
    invalid(
        AuditQueryRequest.newBuilder().setPageSize(1).setPrincipal("users/bob").setPageToken(token),
        "pageToken");

    var rest =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + central.apiPort()
                            + "/api/v1/audit?principal=%27%20OR%201%3D1%20--&pageSize=5"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(rest.statusCode()).isEqualTo(200);
    assertThat(rest.body()).doesNotContain("\"fqn\"");
    var restBad =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + central.apiPort() + "/api/v1/audit?outcome=maybe"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(restBad.statusCode()).isEqualTo(400);
    assertThat(restBad.body()).contains("outcome");
    assertThat(query(AuditQueryRequest.newBuilder().setPrincipal("users/bob")))
        .as("table intact")
        .hasSize(2);
  }

  private static void invalid(AuditQueryRequest.Builder request, String field) {
    assertThatThrownBy(() -> audit().query(request.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith(field);
            });
  }

  @Test
  void historyAndTimeTravelIncludingDeletedResources() {
    var history =
        audit()
            .history(
                HistoryRequest.newBuilder()
                    .setFqn("organizations/" + ORG + "/tenants/payments")
                    .build());
    assertThat(history.getEntriesList())
        .extracting(e -> e.getVersion())
        .containsExactly(3L, 2L, 1L);
    assertThat(history.getEntries(0).getSummary()).isEqualTo("1 field changed: spec.displayName");

    var v2 =
        management("users/x")
            .get(
                GetRequest.newBuilder()
                    .setFqn("organizations/" + ORG + "/tenants/payments")
                    .setVersion(2)
                    .build());
    assertThat(v2.getTenant().getDisplayName()).isEqualTo("Payments EU");
    assertThat(v2.getMetadata().getVersion()).isEqualTo(2);
    assertThat(v2.getMetadata().getUpdatedBy()).isEqualTo("users/bob");
    assertThat(v2.getMetadata().getCreatedBy()).isEqualTo("users/alice");

    var retired =
        management("users/x")
            .get(
                GetRequest.newBuilder()
                    .setFqn("organizations/" + ORG + "/tenants/retired")
                    .setVersion(1)
                    .build());
    assertThat(retired.getMetadata().getName()).isEqualTo("retired");
    assertThatThrownBy(
            () ->
                management("users/x")
                    .get(
                        GetRequest.newBuilder()
                            .setFqn("organizations/" + ORG + "/tenants/retired")
                            .setVersion(2)
                            .build()))
        .hasMessageContaining("is its deletion");
    assertThatThrownBy(
            () ->
                management("users/x")
                    .get(
                        GetRequest.newBuilder()
                            .setFqn("organizations/" + ORG + "/tenants/payments")
                            .setVersion(9)
                            .build()))
        .hasMessageContaining("versions run from 1 to 3");
    assertThatThrownBy(
            () ->
                audit()
                    .history(
                        HistoryRequest.newBuilder()
                            .setFqn("organizations/" + ORG + "/tenants/never")
                            .build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void healthAndMetricsExposeProjectionLag() throws Exception {
    String base = "http://127.0.0.1:" + central.central().managementPort();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var health =
                  http.send(
                      HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(health.statusCode()).isEqualTo(200);
              assertThat(health.body())
                  .contains("\"projection\" : \"audit\"")
                  .contains("\"pendingEvents\" : 0");
            });
    var metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("trestle_projection_lag_events{projection=\"audit\",slice=\"config-0\"}");
  }
}
