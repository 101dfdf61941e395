package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.audit.DeniedReadThrottle;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.CheckAccessRequest;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.GetStatusRequest;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile callers in secure mode (issue 16 points 2, 4 and 5): a writer confined to one workspace
 * probing another tenant through references, principals without rights sending invalid documents, a
 * scraper's denied reads. Each answer must be the same whether the thing probed exists or not, and
 * each attempt must leave a bounded trace in the audit log.
 */
class HostileCallerTest {
  private static final String ORG = "organizations/hostile";
  private static final String PAY = ORG + "/tenants/payments";
  private static final String RETAIL = ORG + "/tenants/retail";
  private static final String CHECKOUT = PAY + "/workspaces/checkout";
  private static final String STORE = RETAIL + "/workspaces/store";
  private static final int BURST = 40;
  private static TestCentral central;
  private static ManagedChannel channel;
  private static String admin;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    central =
        TestCentral.startSecure(
            "trestle.limits.writes-per-second = 0.5\ntrestle.limits.write-burst = " + BURST + "\n");
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    var results =
        apply(
            admin,
            false,
            """
            apiVersion: trestle.dev/v1
            kind: Organization
            metadata: {name: hostile}
            ---
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: payments, organization: hostile}
            ---
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: retail, organization: hostile}
            ---
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: checkout, organization: hostile, tenant: payments}
            spec: {namespaceSelectors: ["*/checkout"]}
            ---
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: store, organization: hostile, tenant: retail}
            spec: {namespaceSelectors: ["*/store"]}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: sec, organization: hostile, tenant: payments, workspace: checkout}
            spec: {type: SECURITY}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: gw, organization: hostile, tenant: payments, workspace: checkout}
            spec: {type: GATEWAY}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: traffic, organization: hostile, tenant: retail, workspace: store}
            spec: {type: TRAFFIC}
            ---
            apiVersion: trestle.dev/v1
            kind: ServiceRoute
            metadata:
              {name: cart, organization: hostile, tenant: retail, workspace: store, group: traffic}
            spec: {service: store/cart}
            """);
    assertThat(results)
        .allSatisfy(
            r -> assertThat(r.getOutcome()).as(r.toString()).isEqualTo(ApplyOutcome.CREATED));
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub mgmt(String token) {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static IamServiceGrpc.IamServiceBlockingStub iam(String token) {
    return IamServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static List<ApplyResult> apply(String token, boolean dryRun, String yaml) {
    var docs = ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList();
    return mgmt(token)
        .apply(ApplyRequest.newBuilder().addAllResources(docs).setDryRun(dryRun).build())
        .getResultsList();
  }

  /** A new principal with a token, bound to {@code role} on {@code target} unless null. */
  private static String user(String name, String role, String target) {
    iam(admin)
        .createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/" + name).build());
    String token =
        iam(admin)
            .issueToken(IssueTokenRequest.newBuilder().setPrincipal("users/" + name).build())
            .getToken();
    if (role != null) {
      bind(name, role, target);
    }
    return token;
  }

  private static void bind(String name, String role, String target) {
    var current =
        iam(admin)
            .getAccessBindings(GetAccessBindingsRequest.newBuilder().setTarget(target).build());
    iam(admin)
        .setAccessBindings(
            SetAccessBindingsRequest.newBuilder()
                .setTarget(target)
                .addAllBindings(current.getBindingsList())
                .addBindings(Binding.newBuilder().setRole(role).addSubjects("users/" + name))
                .build());
  }

  private static HttpResponse<String> rest(String token, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.apiPort() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/yaml")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The REST answer without its request id, which differs on every call. */
  private static String withoutRequestId(String body) throws Exception {
    var tree = (ObjectNode) CanonicalJson.MAPPER.readTree(body);
    tree.remove("requestId");
    return tree.toString();
  }

  private static List<AuditEntry> refusedRows(String principal, AuditOperation operation) {
    var query =
        AuditQueryRequest.newBuilder()
            .setPrincipal(principal)
            .setOutcome(AuditOutcome.REFUSED)
            .setPageSize(1000);
    if (operation != null) {
      query.setOperation(operation);
    }
    return AuditServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .query(query.build())
        .getEntriesList();
  }

  private static String securitySetting(String fromWorkspace) {
    return """
    apiVersion: trestle.dev/v1
    kind: SecuritySetting
    metadata:
      {name: probe, organization: hostile, tenant: payments, workspace: checkout, group: sec}
    spec:
      allow: [{name: r, fromWorkspaces: ["%s"]}]
    """
        .formatted(fromWorkspace);
  }

  private static String gateway(String serviceRoute) {
    return """
    apiVersion: trestle.dev/v1
    kind: IngressGateway
    metadata:
      {name: probe, organization: hostile, tenant: payments, workspace: checkout, group: gw}
    spec:
      workloadSelector: {app: gw}
      servers: [{port: 80, protocol: HTTP, hosts: [shop.example]}]
      routes: [{host: shop.example, service: checkout/web, serviceRoute: "%s"}]
    """
        .formatted(serviceRoute);
  }

  @Test
  void referencesToAnotherTenantAnswerAsIfTheyDidNotExist() throws Exception {
    String prober = user("prober", "editor", CHECKOUT);
    String storeGhost = RETAIL + "/workspaces/ghost";
    String cart = STORE + "/groups/traffic/serviceroutes/cart";
    String cartGhost = STORE + "/groups/traffic/serviceroutes/ghost";
    var probes =
        List.of(
            List.of(securitySetting(STORE), securitySetting(storeGhost), STORE, storeGhost),
            List.of(gateway(cart), gateway(cartGhost), cart, cartGhost));
    // A REST apply is refused before its body is read until the access-binding index (a
    // projection) has seen the prober's fresh binding (docs/security.md); wait for it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                rest(prober, "POST", "/api/v1/apply?dryRun", probes.get(0).get(1)).statusCode()
                    != 403);
    for (var probe : probes) {
      String existing = probe.get(0);
      String missing = probe.get(1);
      String existingFqn = probe.get(2);
      String missingFqn = probe.get(3);
      for (boolean dryRun : List.of(true, false)) {
        var toExisting = apply(prober, dryRun, existing).get(0);
        var toMissing = apply(prober, dryRun, missing).get(0);
        assertThat(toMissing.getOutcome()).isEqualTo(ApplyOutcome.FAILED);
        assertThat(toMissing.getError().getMessage()).contains("does not exist");
        assertThat(toExisting.toString().replace(existingFqn, missingFqn))
            .as("gRPC, dry run " + dryRun)
            .isEqualTo(toMissing.toString());

        String query = dryRun ? "/api/v1/apply?dryRun" : "/api/v1/apply";
        var restExisting = rest(prober, "POST", query, existing);
        var restMissing = rest(prober, "POST", query, missing);
        assertThat(restExisting.statusCode()).isEqualTo(restMissing.statusCode()).isEqualTo(400);
        assertThat(withoutRequestId(restExisting.body()).replace(existingFqn, missingFqn))
            .as("REST, dry run " + dryRun)
            .isEqualTo(withoutRequestId(restMissing.body()));
      }
    }

    // Cross-tenant references are allowed to a caller who may READ what they name.
    bind("prober", "reader", STORE);
    var allowed = apply(prober, true, securitySetting(STORE)).get(0);
    assertThat(allowed.getOutcome()).as(allowed.toString()).isEqualTo(ApplyOutcome.CREATED);

    // Refused dry runs leave a trace.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(refusedRows("users/prober", null))
                    .extracting(AuditEntry::getMessage)
                    .anyMatch(m -> m.startsWith("INVALID_ARGUMENT: dry run: ")));
  }

  @Test
  void dryRunsCountAgainstTheWriteRateLimit() {
    String hasty = user("hasty", "editor", CHECKOUT);
    var batch = ApplyRequest.newBuilder().setDryRun(true);
    for (int i = 0; i < BURST; i++) {
      String doc =
          "apiVersion: trestle.dev/v1\nkind: Group\nmetadata: {name: dry-"
              + i
              + ", organization: hostile, tenant: payments, workspace: checkout}\n"
              + "spec: {type: TRAFFIC}\n";
      batch.addResources(ResourceDocuments.parse(doc).get(0).resource());
    }
    mgmt(hasty).apply(batch.build()); // takes the whole burst
    try {
      mgmt(hasty).apply(batch.build());
      throw new AssertionError("a second burst of dry runs right away must be refused");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription()).contains("write rate limit");
    }
  }

  @Test
  void principalsWithoutRightsAreDeniedBeforeTheirDocumentsAreJudged() throws Exception {
    String nobody = user("nobody", null, null);
    var invalid =
        List.of(
            // a sound FQN, invalid content
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: empty, organization: hostile, tenant: payments}
            spec: {namespaceSelectors: []}
            """,
            // no FQN can be formed
            """
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: Bad_Name, organization: hostile, labels: {"bad key!": x}}
            """,
            // an existing resource, invalid content
            """
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: retail, organization: hostile, description: %s}
            """
                .formatted("x".repeat(2000)));
    for (String doc : invalid) {
      var result = apply(nobody, false, doc).get(0);
      assertThat(result.getError().getCode()).as(doc).isEqualTo("PERMISSION_DENIED");
      assertThat(result.getError().getFieldViolationsList()).as(doc).isEmpty();
      assertThat(result.getError().getMessage()).as(doc).startsWith("permission denied: ");
      var dry = apply(nobody, true, doc).get(0);
      assertThat(dry.getError().getCode()).as(doc).isEqualTo("PERMISSION_DENIED");
      var rest = rest(nobody, "POST", "/api/v1/apply", doc);
      assertThat(rest.statusCode()).as(doc).isEqualTo(403);
      assertThat(rest.body()).as(doc).doesNotContain("fieldViolations");
    }

    // Whether the target exists is not told to a caller who may not read it.
    var existing =
        apply(
                nobody,
                false,
                "apiVersion: trestle.dev/v1\nkind: Tenant\n"
                    + "metadata: {name: retail, organization: hostile}\n")
            .get(0);
    var missing =
        apply(
                nobody,
                false,
                "apiVersion: trestle.dev/v1\nkind: Tenant\n"
                    + "metadata: {name: ghost, organization: hostile}\n")
            .get(0);
    assertThat(existing.getError().getMessage())
        .isEqualTo(missing.getError().getMessage())
        .isEqualTo("permission denied: users/nobody may not CREATE " + ORG);

    // A caller who may write there still gets the validation errors it needs.
    String writer = user("fixer", "editor", PAY);
    var result = apply(writer, true, invalid.get(0)).get(0);
    assertThat(result.getError().getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(result.getError().getFieldViolations(0).getField())
        .isEqualTo("spec.namespaceSelectors");
  }

  @Test
  void deniedReadsAreAuditedAndAScraperCannotFloodTheLog() throws Exception {
    String snoop = user("snoop", null, null);
    assertThat(code(() -> mgmt(snoop).get(GetRequest.newBuilder().setFqn(RETAIL).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rest(snoop, "GET", "/api/v1/history/" + RETAIL, null).statusCode()).isEqualTo(403);
    assertThat(rest(snoop, "GET", "/api/v1/audit?resource=" + RETAIL, null).statusCode())
        .isEqualTo(403);
    assertThat(
            mgmt(snoop)
                .list(ListRequest.newBuilder().setParent(RETAIL).setRecursive(true).build())
                .getResourcesCount())
        .isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(refusedRows("users/snoop", AuditOperation.READ))
                    .extracting(AuditEntry::getMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("PERMISSION_DENIED: GET: "))
                    .anySatisfy(m -> assertThat(m).startsWith("PERMISSION_DENIED: HISTORY: "))
                    .anySatisfy(m -> assertThat(m).startsWith("PERMISSION_DENIED: AUDIT: "))
                    .anySatisfy(m -> assertThat(m).startsWith("PERMISSION_DENIED: LIST: ")));

    String scraper = user("scraper", null, null);
    long started = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      String fqn = STORE + "/groups/g-" + i;
      assertThat(code(() -> mgmt(scraper).get(GetRequest.newBuilder().setFqn(fqn).build())))
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    assertThat(
            code(
                () ->
                    AuditServiceGrpc.newBlockingStub(channel)
                        .withCallCredentials(IamApiTest.bearer(scraper))
                        .history(HistoryRequest.newBuilder().setFqn(STORE).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // On a machine fast enough the 1,001 reads fall in one window and exactly ROWS_PER_WINDOW rows
    // stay.
    var rows = throttledRows("users/scraper", started);
    assertThat(rows)
        .as("the first denied read is recorded")
        .anySatisfy(
            r -> {
              assertThat(r.getFqn()).isEqualTo(STORE + "/groups/g-0");
              assertThat(r.getMessage())
                  .isEqualTo(
                      "PERMISSION_DENIED: GET: permission denied: users/scraper may not READ "
                          + STORE
                          + "/groups/g-0");
            });
  }

  @Test
  void deniedStatusAndIamReadsAreAuditedUnderTheSameThrottle() throws Exception {
    String peeker = user("peeker", null, null);
    var clusters =
        ClusterServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(IamApiTest.bearer(peeker))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    assertThat(
            code(() -> clusters.getStatus(GetStatusRequest.newBuilder().setFqn(CHECKOUT).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rest(peeker, "GET", "/api/v1/status/" + STORE, null).statusCode()).isEqualTo(403);
    assertThat(
            code(
                () ->
                    iam(peeker)
                        .getAccessBindings(
                            GetAccessBindingsRequest.newBuilder().setTarget(RETAIL).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(rest(peeker, "GET", "/api/v1/iam/principals/users/admin", null).statusCode())
        .isEqualTo(403);
    assertThat(
            code(
                () ->
                    iam(peeker)
                        .checkAccess(
                            CheckAccessRequest.newBuilder()
                                .setFqn(PAY)
                                .setPrincipal("users/admin")
                                .build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(refusedRows("users/peeker", AuditOperation.READ))
                    .anySatisfy(
                        r -> {
                          assertThat(r.getFqn()).isEqualTo(CHECKOUT);
                          assertThat(r.getMessage()).startsWith("PERMISSION_DENIED: GET: ");
                        })
                    .anySatisfy(r -> assertThat(r.getFqn()).isEqualTo(STORE))
                    .anySatisfy(
                        r -> {
                          assertThat(r.getFqn()).isEqualTo(RETAIL);
                          assertThat(r.getMessage())
                              .isEqualTo(
                                  "PERMISSION_DENIED: GET_BINDINGS: permission denied:"
                                      + " users/peeker may not READ "
                                      + RETAIL);
                        })
                    .anySatisfy(
                        r ->
                            assertThat(r.getMessage())
                                .startsWith("PERMISSION_DENIED: GET_PRINCIPAL users/admin: "))
                    .anySatisfy(
                        r -> {
                          assertThat(r.getFqn()).isEqualTo(PAY);
                          assertThat(r.getMessage())
                              .startsWith("PERMISSION_DENIED: CHECK_ACCESS of users/admin: ");
                        }));

    // A scraper of bindings is throttled like one of resources: at most ROWS_PER_WINDOW rows (and
    // a count) per window.
    String scraper = user("binding-scraper", null, null);
    long started = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      String fqn = STORE + "/groups/b-" + i;
      assertThat(
              code(
                  () ->
                      iam(scraper)
                          .getAccessBindings(
                              GetAccessBindingsRequest.newBuilder().setTarget(fqn).build())))
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    throttledRows("users/binding-scraper", started);
  }

  /**
   * The denied-read rows of {@code principal}, who made many distinct denied reads since {@code
   * startedNanos}: each throttle window records at most ROWS_PER_WINDOW reads and one count of the
   * rest, and at least ROWS_PER_WINDOW are recorded.
   */
  private static List<AuditEntry> throttledRows(String principal, long startedNanos) {
    long windows = 1 + (System.nanoTime() - startedNanos) / DeniedReadThrottle.WINDOW.toNanos();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(refusedRows(principal, AuditOperation.READ))
                    .hasSizeGreaterThanOrEqualTo(DeniedReadThrottle.ROWS_PER_WINDOW));
    var rows = refusedRows(principal, AuditOperation.READ);
    assertThat(rows)
        .hasSizeLessThanOrEqualTo((int) windows * (DeniedReadThrottle.ROWS_PER_WINDOW + 1));
    return rows;
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
