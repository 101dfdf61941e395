package dev.trestle.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.api.IamApiTest;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResource;
import dev.trestle.protocol.v1.GitOpsResourceState;
import dev.trestle.protocol.v1.GitOpsServiceGrpc;
import dev.trestle.protocol.v1.GitOpsStatusRequest;
import dev.trestle.protocol.v1.GitSourceStatus;
import dev.trestle.protocol.v1.SyncGitSourceRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source's sync status survives a central restart (docs/gitops.md, "Sync status"): it is read
 * back from the journal, not rebuilt by a new sync (the interval is an hour, so none runs), and a
 * sync cut short after it began writing is repeated at once.
 */
class GitOpsStatusAfterRestartTest {
  private static final String TENANT = "organizations/keep/tenants/shop";
  private static final String SOURCE = TENANT + "/gitsources/config";
  private static final String WS = TENANT + "/workspaces/checkout";
  private static final String ROUTE = WS + "/groups/traffic/serviceroutes/reviews";

  private TestCentral central;
  private ManagedChannel channel;
  private TestGitRepo repo;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    central = TestCentral.startSecure("trestle.gitops.scan-interval = 1h\n");
    admin = central.adminToken();
    connect();
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: keep}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: shop, organization: keep}
        """);
    bindEditor(TENANT, Ownership.gitSourcePrincipal(Fqn.parse(SOURCE)));
    repo = new TestGitRepo();
    repo.commit("first", Map.of("config/ws.yaml", workspace(), "config/route.yaml", route()));
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: GitSource
        metadata: {name: config, organization: keep, tenant: shop}
        spec: {url: "%s", paths: [config], interval: 1h, maxDeletePercent: 50}
        """
            .formatted(repo.fileUrl()));
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
    repo.close();
  }

  @Test
  void theLastStatusIsReadBackAfterARestartWithoutANewSync() throws Exception {
    assertThat(sync().getPhase()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    var gone = new HashMap<String, String>();
    gone.put("config/route.yaml", null);
    String second = repo.commit("drop the route", gone);
    GitSourceStatus pending = sync();
    assertThat(pending.getPhase()).isEqualTo(GitOpsPhase.GITOPS_OUT_OF_SYNC);
    assertThat(resource(pending, ROUTE).getState())
        .isEqualTo(GitOpsResourceState.RESOURCE_PRUNE_PENDING);
    GitSourceStatus idle = sync(); // same outcome: journaled once, at the earlier sync's time
    assertThat(idle.getResourcesList()).isEqualTo(pending.getResourcesList());

    central.restart();
    connect();

    GitSourceStatus after = status(SOURCE);
    assertSameOutcome(after, pending, second);
    assertThat(after.getLastSyncTime()).isEqualTo(pending.getLastSyncTime());
    assertThat(
            gitops()
                .getGitOpsStatus(GitOpsStatusRequest.getDefaultInstance())
                .getSourcesList()
                .stream()
                .filter(s -> s.getSource().equals(SOURCE))
                .findFirst()
                .orElseThrow())
        .satisfies(listed -> assertSameOutcome(listed, pending, second));
    // the runner read it back too (its first scan ran at start) and keeps the hourly schedule
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(status(SOURCE).getLastSyncTime()).isEqualTo(pending.getLastSyncTime()));
  }

  @Test
  void aSyncCutShortAfterItBeganWritingIsRepeatedAtOnceAfterARestart() throws Exception {
    GitSourceStatus first = sync();
    assertThat(first.getPhase()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
    // what a crash between the first and the last write of a sync leaves in the journal
    var store =
        new SyncStatusStore(
            ClusterSharding.get(central.central().system()),
            Duration.ofSeconds(10),
            Clock.systemUTC());
    store.beginWrites(SOURCE, first.getLastFetchedCommit()).toCompletableFuture().join();

    central.restart();
    connect();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              GitSourceStatus again = status(SOURCE);
              assertThat(
                      again.getLastSyncTime().getSeconds() * 1_000_000_000L
                          + again.getLastSyncTime().getNanos())
                  .isGreaterThan(
                      first.getLastSyncTime().getSeconds() * 1_000_000_000L
                          + first.getLastSyncTime().getNanos());
              assertThat(again.getPhase()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
              assertThat(again.getResourcesList())
                  .extracting(GitOpsResource::getState)
                  .containsOnly(GitOpsResourceState.RESOURCE_IN_SYNC);
            });
    var state =
        new SyncStatusStore(
                ClusterSharding.get(central.central().system()),
                Duration.ofSeconds(10),
                Clock.systemUTC())
            .load(SOURCE)
            .toCompletableFuture()
            .join();
    assertThat(state.interrupted()).isFalse();
  }

  // ---- helpers ----

  private static void assertSameOutcome(
      GitSourceStatus after, GitSourceStatus before, String commit) {
    assertThat(after.getPhase()).isEqualTo(GitOpsPhase.GITOPS_OUT_OF_SYNC);
    assertThat(after.getLastFetchedCommit()).isEqualTo(commit);
    assertThat(after.getLastAppliedCommit()).isEqualTo(commit);
    assertThat(after.getError()).isEqualTo(before.getError());
    assertThat(after.getResourcesList()).isEqualTo(before.getResourcesList());
    assertThat(resource(after, ROUTE).getMessage()).isEqualTo("gone from git; prune is off");
    assertThat(resource(after, WS).getPath()).isEqualTo("config/ws.yaml");
    assertThat(resource(after, WS).getLine()).isEqualTo(1);
  }

  private void connect() {
    if (channel != null) {
      channel.shutdownNow();
    }
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
  }

  private GitOpsServiceGrpc.GitOpsServiceBlockingStub gitops() {
    return GitOpsServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(admin))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private GitSourceStatus sync() {
    return gitops().syncGitSource(SyncGitSourceRequest.newBuilder().setSource(SOURCE).build());
  }

  private GitSourceStatus status(String source) {
    return gitops()
        .getGitOpsStatus(GitOpsStatusRequest.newBuilder().setSource(source).build())
        .getSources(0);
  }

  private static GitOpsResource resource(GitSourceStatus status, String fqn) {
    return status.getResourcesList().stream()
        .filter(r -> r.getFqn().equals(fqn))
        .findFirst()
        .orElseThrow(() -> new AssertionError(fqn + " not in " + status));
  }

  private void apply(String yaml) {
    GitOpsTestCalls.apply(channel, admin, yaml);
  }

  private void bindEditor(String target, String subject) {
    GitOpsTestCalls.bind(channel, admin, target, "editor", subject);
  }

  private static String workspace() {
    return """
    apiVersion: trestle.dev/v1
    kind: Workspace
    metadata: {name: checkout, organization: keep, tenant: shop}
    spec: {namespaceSelectors: ["*/checkout"]}
    ---
    apiVersion: trestle.dev/v1
    kind: Group
    metadata: {name: traffic, organization: keep, tenant: shop, workspace: checkout}
    spec: {type: TRAFFIC}
    """;
  }

  private static String route() {
    return """
    apiVersion: trestle.dev/v1
    kind: ServiceRoute
    metadata: {name: reviews, organization: keep, tenant: shop, workspace: checkout, group: traffic}
    spec:
      service: checkout/reviews
      subsets:
      - {name: v1, labels: {version: v1}}
    """;
  }
}
