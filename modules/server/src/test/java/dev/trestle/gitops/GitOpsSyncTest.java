package dev.trestle.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.api.IamApiTest;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResource;
import dev.trestle.protocol.v1.GitOpsResourceState;
import dev.trestle.protocol.v1.GitOpsServiceGrpc;
import dev.trestle.protocol.v1.GitOpsStatusRequest;
import dev.trestle.protocol.v1.GitSourceStatus;
import dev.trestle.protocol.v1.HistoryEntry;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.SyncGitSourceRequest;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * GitOps against real repositories (JGit bare repositories in temp dirs, over file:// and over the
 * git protocol from JGit's daemon on 127.0.0.1) and a real central in secure mode, where the source
 * acts as its own principal: the tests run in order over one repository's history.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitOpsSyncTest {
  private static final String ORG = "organizations/git";
  private static final String SHOP = ORG + "/tenants/shop";
  private static final String SOURCE = SHOP + "/gitsources/config";
  private static final String WS = SHOP + "/workspaces/checkout";
  private static final String REVIEWS = WS + "/groups/traffic/serviceroutes/reviews";
  private static final String RATINGS = WS + "/groups/traffic/serviceroutes/ratings";

  private static TestCentral central;
  private static ManagedChannel channel;
  private static String admin;
  private static TestGitRepo repo;
  private static String principal;
  private static final Map<String, String> shas = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    // scans only at start: each test drives its syncs (a scan would race them), except the last
    central = TestCentral.startSecure("trestle.gitops.scan-interval = 1h\n");
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: git}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: shop, organization: git}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: retail, organization: git}
        """);
    principal = Ownership.gitSourcePrincipal(Fqn.parse(SOURCE));
    bind(SHOP, "editor", principal);
    repo = new TestGitRepo();
    shas.put(
        "first",
        repo.commit(
            "first",
            Map.of(
                "config/checkout.yaml", checkout(90, 10),
                "config/ratings.yaml", ratings(),
                "README.md", "not a document")));
    apply(source(repo.fileUrl(), false, false));
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
    repo.close();
  }

  @Test
  @Order(1)
  void firstSyncCreatesEverythingAndTheAuditCarriesTheCommit() {
    GitSourceStatus status = sync(SOURCE);
    assertThat(status.getPhase()).as(status.toString()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    assertThat(status.getLastAppliedCommit()).isEqualTo(shas.get("first"));
    assertThat(status.getPrincipal()).isEqualTo(principal);
    assertThat(states(status))
        .containsEntry(WS, GitOpsResourceState.RESOURCE_CREATED)
        .containsEntry(REVIEWS, GitOpsResourceState.RESOURCE_CREATED)
        .containsEntry(RATINGS, GitOpsResourceState.RESOURCE_CREATED)
        .hasSize(4);
    var reviews = get(REVIEWS);
    assertThat(reviews.getMetadata().getLabelsMap())
        .containsEntry(Ownership.OWNER_LABEL, Ownership.gitSourceOwner(Fqn.parse(SOURCE)));
    assertThat(reviews.getMetadata().getCreatedBy()).isEqualTo(principal);
    List<AuditEntry> rows = awaitAudit(4);
    assertThat(rows)
        .extracting(AuditEntry::getRequestId)
        .contains(
            "git:" + shas.get("first") + ":config/checkout.yaml",
            "git:" + shas.get("first") + ":config/ratings.yaml");
  }

  @Test
  @Order(2)
  void aRepeatSyncWritesNothing() {
    GitSourceStatus status = sync(SOURCE);
    assertThat(status.getPhase()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    assertThat(states(status).values()).containsOnly(GitOpsResourceState.RESOURCE_IN_SYNC);
    assertThat(history(REVIEWS).getEntriesCount()).isEqualTo(1);
    assertThat(get(REVIEWS).getMetadata().getVersion()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aWeightChangeIsOneUpdateWithTheFieldDiff() throws Exception {
    String sha = repo.commit("shift weight", Map.of("config/checkout.yaml", checkout(80, 20)));
    GitSourceStatus status = sync(SOURCE);
    assertThat(status.getLastAppliedCommit()).isEqualTo(sha);
    var states = states(status);
    assertThat(states).containsEntry(REVIEWS, GitOpsResourceState.RESOURCE_UPDATED);
    assertThat(states.entrySet())
        .allMatch(
            e ->
                e.getKey().equals(REVIEWS) || e.getValue() == GitOpsResourceState.RESOURCE_IN_SYNC);
    assertThat(resource(status, REVIEWS).getMessage()).contains("weight");
    HistoryResponse history = history(REVIEWS);
    assertThat(history.getEntriesCount()).isEqualTo(2);
    var latest =
        history.getEntriesList().stream()
            .max(Comparator.comparingLong(HistoryEntry::getVersion))
            .orElseThrow();
    assertThat(latest.getRequestId()).isEqualTo("git:" + sha + ":config/checkout.yaml");
    assertThat(latest.getPrincipal()).isEqualTo(principal);
    assertThat(latest.getChangesList())
        .extracting(c -> c.getPath())
        .allMatch(p -> p.contains("weight"))
        .hasSize(2);
  }

  @Test
  @Order(4)
  void aDeletedFileIsPrunePendingThenDeletedWithPruneOn() throws Exception {
    repo.commit("drop ratings", mapOf("config/ratings.yaml", null));
    GitSourceStatus pending = sync(SOURCE);
    assertThat(pending.getPhase()).isEqualTo(GitOpsPhase.GITOPS_OUT_OF_SYNC);
    assertThat(resource(pending, RATINGS).getState())
        .isEqualTo(GitOpsResourceState.RESOURCE_PRUNE_PENDING);
    assertThat(get(RATINGS).getMetadata().getName()).isEqualTo("ratings");

    apply(source(repo.fileUrl(), true, false));
    GitSourceStatus pruned = sync(SOURCE);
    assertThat(resource(pruned, RATINGS).getState()).isEqualTo(GitOpsResourceState.RESOURCE_PRUNED);
    assertThat(pruned.getPhase()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    assertThat(code(() -> get(RATINGS))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  @Order(5)
  void theMassDeleteGuardHoldsAndAnEmptyCommitIsRefused() throws Exception {
    // only the workspace stays: 2 of 3 owned resources would go, more than the default 25%
    String before = shas.computeIfAbsent("beforeGuard", k -> head());
    repo.commit(
        "keep only the workspace",
        Map.of(
            "config/checkout.yaml",
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: checkout, organization: git, tenant: shop}
            spec: {namespaceSelectors: ["*/checkout"]}
            """));
    GitSourceStatus guarded = sync(SOURCE);
    assertThat(guarded.getPhase()).isEqualTo(GitOpsPhase.GITOPS_FAILED);
    assertThat(guarded.getError()).contains("mass-delete guard").contains("2 of 3");
    assertThat(get(REVIEWS).getMetadata().getName()).isEqualTo("reviews");

    var empty = mapOf("config/checkout.yaml", null);
    empty.put("config/README.md", "the directory stays, with no documents");
    repo.commit("empty", empty);
    GitSourceStatus emptied = sync(SOURCE);
    assertThat(emptied.getPhase()).isEqualTo(GitOpsPhase.GITOPS_FAILED);
    assertThat(emptied.getError()).contains("no documents");
    assertThat(get(WS).getMetadata().getName()).isEqualTo("checkout");

    repo.forcePush(before); // rewrite history back: the source follows the branch
    GitSourceStatus restored = sync(SOURCE);
    assertThat(restored.getLastFetchedCommit()).isEqualTo(before);
    assertThat(restored.getPhase()).as(restored.toString()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
  }

  @Test
  @Order(6)
  void driftIsReportedWithWhoAndSelfHealRevertsIt() throws Exception {
    var changed = get(REVIEWS).toBuilder();
    changed.getMetadataBuilder().clearVersion().clearFqn();
    changed.getServiceRouteBuilder().getSubsetsBuilder(0).setWeight(50);
    changed.getServiceRouteBuilder().getSubsetsBuilder(1).setWeight(50);
    assertThat(applyResources(List.of(changed.build())).get(0).getOutcome().name())
        .isEqualTo("UPDATED");

    GitSourceStatus drifted = sync(SOURCE);
    assertThat(drifted.getPhase()).isEqualTo(GitOpsPhase.GITOPS_OUT_OF_SYNC);
    GitOpsResource reviews = resource(drifted, REVIEWS);
    assertThat(reviews.getState()).isEqualTo(GitOpsResourceState.RESOURCE_DRIFTED);
    assertThat(reviews.getChangedBy()).isEqualTo("users/admin");
    assertThat(get(REVIEWS).getServiceRoute().getSubsets(0).getWeight()).isEqualTo(50);

    apply(source(repo.fileUrl(), true, true));
    GitSourceStatus healed = sync(SOURCE);
    assertThat(resource(healed, REVIEWS).getState())
        .isEqualTo(GitOpsResourceState.RESOURCE_UPDATED);
    assertThat(resource(healed, REVIEWS).getMessage()).contains("users/admin");
    assertThat(healed.getPhase()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    assertThat(get(REVIEWS).getServiceRoute().getSubsets(0).getWeight()).isEqualTo(80);
  }

  @Test
  @Order(7)
  void aBrokenCommitAppliesNothingAndNamesFileAndLine() throws Exception {
    repo.commit(
        "broken",
        Map.of(
            "config/checkout.yaml",
            checkout(70, 30),
            "config/zz-broken.yaml",
            "apiVersion: trestle.dev/v1\nkind: Workspace\nmetadata: {name: [unclosed\n"));
    GitSourceStatus broken = sync(SOURCE);
    assertThat(broken.getPhase()).isEqualTo(GitOpsPhase.GITOPS_FAILED);
    assertThat(broken.getError()).startsWith("config/zz-broken.yaml:");
    assertThat(broken.getError()).matches("(?s)config/zz-broken\\.yaml:\\d+: .+");
    assertThat(get(REVIEWS).getServiceRoute().getSubsets(0).getWeight()).isEqualTo(80);
    repo.commit("fix", mapOf("config/zz-broken.yaml", null));
  }

  @Test
  @Order(8)
  void aDocumentTheSourceMayNotWriteFailsAloneAndTheRestApplies() throws Exception {
    repo.commit(
        "reach into another tenant",
        Map.of(
            "config/retail.yaml",
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: outside, organization: git, tenant: retail}
            spec: {namespaceSelectors: ["*/outside"]}
            """));
    GitSourceStatus status = sync(SOURCE);
    assertThat(status.getPhase()).isEqualTo(GitOpsPhase.GITOPS_OUT_OF_SYNC);
    GitOpsResource outside = resource(status, ORG + "/tenants/retail/workspaces/outside");
    assertThat(outside.getState()).isEqualTo(GitOpsResourceState.RESOURCE_FAILED);
    assertThat(outside.getMessage()).contains("permission denied");
    assertThat(outside.getPath()).isEqualTo("config/retail.yaml");
    assertThat(resource(status, REVIEWS).getState())
        .isEqualTo(GitOpsResourceState.RESOURCE_UPDATED);
    assertThat(get(REVIEWS).getServiceRoute().getSubsets(0).getWeight()).isEqualTo(70);
  }

  @Test
  @Order(9)
  void aSourceOverTheGitProtocolSyncsAndRestShowsItsStatus() throws Exception {
    String url = repo.serve();
    String other = ORG + "/tenants/retail/gitsources/daemon";
    bind(ORG + "/tenants/retail", "editor", Ownership.gitSourcePrincipal(Fqn.parse(other)));
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: GitSource
        metadata: {name: daemon, organization: git, tenant: retail}
        spec: {url: "%s", ref: main, paths: [config/retail.yaml], interval: 1h}
        """
            .formatted(url));
    GitSourceStatus status = sync(other);
    assertThat(status.getPhase()).as(status.toString()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    assertThat(states(status))
        .containsExactly(
            Map.entry(
                ORG + "/tenants/retail/workspaces/outside", GitOpsResourceState.RESOURCE_CREATED));

    var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    var base = "http://127.0.0.1:" + central.apiPort() + "/api/v1/gitops/";
    var webhook =
        http.send(
            HttpRequest.newBuilder(URI.create(base + other + "/sync"))
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(200);
    assertThat(webhook.body()).contains("SYNCED").contains(other);
    var unauthenticated =
        http.send(
            HttpRequest.newBuilder(URI.create(base + other + "/sync"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    var list =
        http.send(
            HttpRequest.newBuilder(URI.create(base.substring(0, base.length() - 1)))
                .header("Authorization", "Bearer " + admin)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(SOURCE).contains(other);
  }

  @Test
  @Order(10)
  void theRunnerSyncsAgainOnItsOwnAtTheInterval() throws Exception {
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: GitSource
        metadata: {name: timed, organization: git, tenant: shop}
        spec: {url: "%s", paths: [config/checkout.yaml], interval: 5s}
        """
            .formatted(repo.fileUrl()));
    String timed = SHOP + "/gitsources/timed";
    long first = sync(timed).getLastSyncTime().getSeconds();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        gitops()
                            .getGitOpsStatus(
                                GitOpsStatusRequest.newBuilder().setSource(timed).build())
                            .getSources(0)
                            .getLastSyncTime()
                            .getSeconds())
                    .isGreaterThan(first));
  }

  @Test
  @Order(11)
  void aSourceWhosePrincipalIsBoundAtTheOrganizationWritesInAnotherTenant() throws Exception {
    // the organization-wide source of docs/gitops.md: a tenant's source, bound at the organization
    String platform = SHOP + "/gitsources/platform";
    String platformPrincipal = Ownership.gitSourcePrincipal(Fqn.parse(platform));
    bind(ORG, "editor", platformPrincipal);
    String sha =
        repo.commit(
            "org-wide",
            Map.of(
                "org/retail.yaml",
                """
                apiVersion: trestle.dev/v1
                kind: Workspace
                metadata: {name: platform-made, organization: git, tenant: retail}
                spec: {namespaceSelectors: ["*/platform-made"]}
                """));
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: GitSource
        metadata: {name: platform, organization: git, tenant: shop}
        spec: {url: "%s", paths: [org], interval: 1h}
        """
            .formatted(repo.fileUrl()));
    GitSourceStatus status = sync(platform);
    assertThat(status.getPhase()).as(status.toString()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    assertThat(status.getLastAppliedCommit()).isEqualTo(sha);
    String made = ORG + "/tenants/retail/workspaces/platform-made";
    assertThat(states(status))
        .containsExactly(Map.entry(made, GitOpsResourceState.RESOURCE_CREATED));
    assertThat(get(made).getMetadata().getCreatedBy()).isEqualTo(platformPrincipal);
  }

  // ---- helpers ----

  private static String head() {
    return gitops()
        .getGitOpsStatus(GitOpsStatusRequest.newBuilder().setSource(SOURCE).build())
        .getSources(0)
        .getLastAppliedCommit();
  }

  private static Map<String, String> mapOf(String key, String value) {
    var m = new HashMap<String, String>();
    m.put(key, value);
    return m;
  }

  private static String checkout(int v1, int v2) {
    return """
    apiVersion: trestle.dev/v1
    kind: Workspace
    metadata: {name: checkout, organization: git, tenant: shop}
    spec: {namespaceSelectors: ["*/checkout"]}
    ---
    apiVersion: trestle.dev/v1
    kind: Group
    metadata: {name: traffic, organization: git, tenant: shop, workspace: checkout}
    spec: {type: TRAFFIC}
    ---
    apiVersion: trestle.dev/v1
    kind: ServiceRoute
    metadata: {name: reviews, organization: git, tenant: shop, workspace: checkout, group: traffic}
    spec:
      service: checkout/reviews
      subsets:
      - {name: v1, labels: {version: v1}, weight: %d}
      - {name: v2, labels: {version: v2}, weight: %d}
    """
        .formatted(v1, v2);
  }

  private static String ratings() {
    return """
    apiVersion: trestle.dev/v1
    kind: ServiceRoute
    metadata: {name: ratings, organization: git, tenant: shop, workspace: checkout, group: traffic}
    spec:
      service: checkout/ratings
      subsets:
      - {name: v1, labels: {version: v1}}
    """;
  }

  private static String source(String url, boolean prune, boolean selfHeal) {
    return """
    apiVersion: trestle.dev/v1
    kind: GitSource
    metadata: {name: config, organization: git, tenant: shop}
    spec: {url: "%s", ref: main, paths: [config], interval: 1h, prune: %s, selfHeal: %s}
    """
        .formatted(url, prune, selfHeal);
  }

  private static Map<String, GitOpsResourceState> states(GitSourceStatus status) {
    return status.getResourcesList().stream()
        .collect(Collectors.toMap(GitOpsResource::getFqn, GitOpsResource::getState));
  }

  private static GitOpsResource resource(GitSourceStatus status, String fqn) {
    return status.getResourcesList().stream()
        .filter(r -> r.getFqn().equals(fqn))
        .findFirst()
        .orElseThrow(() -> new AssertionError(fqn + " not in " + status));
  }

  private static GitOpsServiceGrpc.GitOpsServiceBlockingStub gitops() {
    return GitOpsServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(admin))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static GitSourceStatus sync(String source) {
    return gitops().syncGitSource(SyncGitSourceRequest.newBuilder().setSource(source).build());
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub mgmt() {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static dev.trestle.protocol.v1.Resource get(String fqn) {
    return mgmt().get(GetRequest.newBuilder().setFqn(fqn).build());
  }

  private static HistoryResponse history(String fqn) {
    return AuditServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .history(HistoryRequest.newBuilder().setFqn(fqn).build());
  }

  private static List<AuditEntry> awaitAudit(int atLeast) {
    var query = AuditQueryRequest.newBuilder().setPrincipal(principal).setPageSize(100).build();
    var stub =
        AuditServiceGrpc.newBlockingStub(channel).withCallCredentials(IamApiTest.bearer(admin));
    List<AuditEntry>[] rows = new List[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              rows[0] =
                  stub
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .query(query)
                      .getEntriesList()
                      .stream()
                      .filter(e -> e.getRequestId().startsWith("git:"))
                      .toList();
              assertThat(rows[0]).hasSizeGreaterThanOrEqualTo(atLeast);
            });
    return rows[0];
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static void apply(String yaml) {
    var results =
        applyResources(ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList());
    assertThat(results).allMatch(r -> !r.hasError(), results.toString());
  }

  private static List<ApplyResult> applyResources(List<dev.trestle.protocol.v1.Resource> docs) {
    return mgmt().apply(ApplyRequest.newBuilder().addAllResources(docs).build()).getResultsList();
  }

  private static void bind(String target, String role, String subject) {
    GitOpsTestCalls.bind(channel, admin, target, role, subject);
  }
}
