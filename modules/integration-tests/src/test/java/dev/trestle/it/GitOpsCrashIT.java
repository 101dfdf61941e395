package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResource;
import dev.trestle.protocol.v1.GitOpsResourceState;
import dev.trestle.protocol.v1.GitOpsServiceGrpc;
import dev.trestle.protocol.v1.GitOpsStatusRequest;
import dev.trestle.protocol.v1.GitSourceStatus;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SyncGitSourceRequest;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 20: a {@code trestle server} killed with SIGKILL in the middle of a GitOps sync converges
 * when it starts again on the same data directory. A real git repository (JGit, {@code file://})
 * holds a source's documents; the first commit is synced, then a second commit (600 more routes,
 * three weight changes, two routes deleted with prune on) is being synced when central is killed.
 * After the restart, without anyone asking, the runner repeats the interrupted sync (the journal
 * says it began writing), and then: every document is stored exactly as in git with the source's
 * owner label, the two routes are pruned, each change has exactly one audit row carrying its
 * commit, the status says SYNCED at the second commit, and the resources the source does not own (a
 * workspace beside it, a route inside one of its groups) are untouched.
 */
class GitOpsCrashIT {
  private static final String TENANT = "organizations/crash/tenants/shop";
  private static final String SOURCE = TENANT + "/gitsources/config";
  private static final String BASE_GROUP = TENANT + "/workspaces/base/groups/traffic";
  private static final String MANUAL_WS = TENANT + "/workspaces/manual";
  private static final String MANUAL_ROUTE = BASE_GROUP + "/serviceroutes/by-hand";
  private static final int NEW_WORKSPACES = 6;
  private static final int ROUTES_EACH = 100;
  private static final int NEW_ROUTES = NEW_WORKSPACES * ROUTES_EACH;
  private static final Duration WAIT = Duration.ofSeconds(180);

  @RegisterExtension
  static final CentralServer central =
      new CentralServer(new ServerProcess.Options(true, 0, Map.of())).deleteWorkDirWhenAllPass();

  private static ManagedChannel channel;

  @AfterAll
  static void closeChannel() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSyncKilledMidwayConvergesOnRestartWithEveryChangeOnceAndNothingElseTouched()
      throws Exception {
    connect();
    String principal = Ownership.gitSourcePrincipal(Fqn.parse(SOURCE));
    String owner = Ownership.gitSourceOwner(Fqn.parse(SOURCE));
    apply(
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: crash}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: shop, organization: crash}
        """);
    bindEditor(TENANT, principal);

    Path repoDir = central.workDir().resolve("git");
    Path bare = repoDir.resolve("origin.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    try (Git author =
        Git.init().setDirectory(repoDir.resolve("work").toFile()).setInitialBranch("main").call()) {
      Path work = repoDir.resolve("work");

      // ---- commit A: one workspace, its group, five routes; synced completely ----
      Files.createDirectories(work.resolve("config"));
      Files.writeString(work.resolve("config/base.yaml"), base(List.of(1, 2, 3, 4, 5), 90));
      String first = commit(author, bare, "base");
      apply(
          """
          apiVersion: trestle.dev/v1
          kind: GitSource
          metadata: {name: config, organization: crash, tenant: shop}
          spec: {url: "%s", paths: [config], interval: 1h, prune: true, maxDeletePercent: 50}
          """
              .formatted(bare.toUri()));
      GitSourceStatus synced = sync();
      assertThat(synced.getPhase()).as(synced.toString()).isEqualTo(GitOpsPhase.GITOPS_SYNCED);
      assertThat(synced.getLastAppliedCommit()).isEqualTo(first);

      // ---- resources the source does not own: beside it, and inside one of its groups ----
      apply(
          """
          apiVersion: trestle.dev/v1
          kind: Workspace
          metadata: {name: manual, organization: crash, tenant: shop}
          spec: {namespaceSelectors: ["*/manual"]}
          ---
          apiVersion: trestle.dev/v1
          kind: ServiceRoute
          metadata: {name: by-hand, organization: crash, tenant: shop, workspace: base, group: traffic}
          spec:
            service: base/by-hand
            subsets:
            - {name: v1, labels: {version: v1}}
          """);
      Map<String, Resource> notOwned = new TreeMap<>();
      for (Resource r : listAll(TENANT)) {
        if (!owner.equals(r.getMetadata().getLabelsMap().get(Ownership.OWNER_LABEL))) {
          notOwned.put(r.getMetadata().getFqn(), r);
        }
      }
      assertThat(notOwned).containsKeys(MANUAL_WS, MANUAL_ROUTE, SOURCE);

      // ---- commit B: routes 4 and 5 gone, 1-3 reweighted, 600 new routes in six workspaces ----
      Files.writeString(work.resolve("config/base.yaml"), base(List.of(1, 2, 3), 70));
      for (int w = 1; w <= NEW_WORKSPACES; w++) {
        Files.writeString(work.resolve("config/ws-" + w + ".yaml"), workspace(w));
      }
      String second = commit(author, bare, "six workspaces, weights, two routes gone");

      // ---- sync B, and kill central while its routes are being written ----
      var syncing = CompletableFuture.runAsync(GitOpsCrashIT::syncIgnoringTheCrash);
      int[] seen = {0};
      await("some but not all of the new routes")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                seen[0] = newRoutes();
                if (seen[0] >= NEW_ROUTES) {
                  throw new AssertionError(
                      "the sync ended before the kill: raise the document count");
                }
                return seen[0] > 0;
              });
      central.kill();
      syncing.get(60, TimeUnit.SECONDS);
      System.out.printf("killed central with %d of %d new routes written%n", seen[0], NEW_ROUTES);

      // ---- restart on the same data directory; nobody asks for a sync ----
      central.start();
      connect();
      GitSourceStatus after =
          await("the interrupted sync repeated")
              .atMost(WAIT)
              .pollInterval(Duration.ofSeconds(1))
              .ignoreExceptions()
              .until(
                  () -> status(),
                  s ->
                      s.getLastAppliedCommit().equals(second)
                          && s.getPhase() == GitOpsPhase.GITOPS_SYNCED);
      assertThat(after.getLastFetchedCommit()).isEqualTo(second);
      assertThat(after.getError()).isEmpty();
      assertThat(after.getResourcesList())
          .extracting(GitOpsResource::getState)
          .doesNotContain(
              GitOpsResourceState.RESOURCE_FAILED,
              GitOpsResourceState.RESOURCE_DRIFTED,
              GitOpsResourceState.RESOURCE_PRUNE_PENDING);

      // every document stored exactly as in git, owned by the source
      List<Resource> desired = new ArrayList<>();
      try (var files = Files.list(work.resolve("config"))) {
        for (Path f : files.sorted().toList()) {
          for (ParsedDocument d : ResourceDocuments.parse(Files.readString(f))) {
            desired.add(d.resource());
          }
        }
      }
      assertThat(desired).hasSize(2 + 3 + NEW_WORKSPACES * (2 + ROUTES_EACH));
      Map<String, Resource> stored = new HashMap<>();
      listAll(TENANT).forEach(r -> stored.put(r.getMetadata().getFqn(), r));
      for (Resource d : desired) {
        String fqn = fqnOf(d);
        Resource s = stored.get(fqn);
        assertThat(s).as(fqn).isNotNull();
        assertThat(s.toBuilder().clearMetadata().build())
            .as(fqn)
            .isEqualTo(d.toBuilder().clearMetadata().build());
        var labels = new TreeMap<>(d.getMetadata().getLabelsMap());
        labels.put(Ownership.OWNER_LABEL, owner);
        assertThat(s.getMetadata().getLabelsMap()).as(fqn).isEqualTo(labels);
      }
      // pruned, and nothing else of the tenant besides git's documents and what it did not own
      assertThat(stored).doesNotContainKeys(route(BASE_GROUP, 4), route(BASE_GROUP, 5));
      var expected = new TreeMap<String, Resource>(notOwned);
      desired.forEach(d -> expected.put(fqnOf(d), d));
      assertThat(new TreeMap<>(stored).keySet()).isEqualTo(expected.keySet());
      notOwned.forEach(
          (fqn, before) -> assertThat(stored.get(fqn)).as("not owned: " + fqn).isEqualTo(before));

      // one audit row per change, carrying the commit and the file
      Map<String, List<AuditEntry>> rows =
          await("the audit rows of both commits")
              .atMost(WAIT)
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> auditRows(principal),
                  r -> r.keySet().size() >= 7 + 2 * NEW_WORKSPACES + NEW_ROUTES);
      Map<String, Long> perChange =
          rows.values().stream()
              .flatMap(List::stream)
              .collect(
                  Collectors.groupingBy(
                      e -> e.getFqn() + " " + e.getRequestId().split(":")[1],
                      Collectors.counting()));
      assertThat(perChange.entrySet()).allMatch(e -> e.getValue() == 1, "one row per change");
      for (int w = 1; w <= NEW_WORKSPACES; w++) {
        String group = TENANT + "/workspaces/ws-" + w + "/groups/traffic";
        String requestId = "git:" + second + ":config/ws-" + w + ".yaml";
        for (int r = 1; r <= ROUTES_EACH; r++) {
          assertThat(rows.get(route(group, r)))
              .as(route(group, r))
              .extracting(AuditEntry::getRequestId)
              .containsExactly(requestId);
        }
      }
      for (int r = 1; r <= 3; r++) {
        assertThat(rows.get(route(BASE_GROUP, r)))
            .extracting(AuditEntry::getRequestId)
            .containsExactlyInAnyOrder(
                "git:" + first + ":config/base.yaml", "git:" + second + ":config/base.yaml");
      }
      for (int r = 4; r <= 5; r++) {
        assertThat(rows.get(route(BASE_GROUP, r)))
            .extracting(AuditEntry::getRequestId)
            .containsExactlyInAnyOrder(
                "git:" + first + ":config/base.yaml", "git:" + second + ":prune");
      }
      assertThat(rows).doesNotContainKeys(MANUAL_WS, MANUAL_ROUTE);
    }
  }

  // ---- the repository's documents ----

  private static String base(List<Integer> routes, int weight) {
    var out =
        new StringBuilder(
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: base, organization: crash, tenant: shop}
            spec: {namespaceSelectors: ["*/base"]}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: traffic, organization: crash, tenant: shop, workspace: base}
            spec: {type: TRAFFIC}
            """);
    for (int r : routes) {
      out.append(routeDoc("base", r, weight));
    }
    return out.toString();
  }

  private static String workspace(int w) {
    var out =
        new StringBuilder(
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: ws-%d, organization: crash, tenant: shop}
            spec: {namespaceSelectors: ["*/ws-%d"]}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: traffic, organization: crash, tenant: shop, workspace: ws-%d}
            spec: {type: TRAFFIC}
            """
                .formatted(w, w, w));
    for (int r = 1; r <= ROUTES_EACH; r++) {
      out.append(routeDoc("ws-" + w, r, 80));
    }
    return out.toString();
  }

  private static String routeDoc(String workspace, int r, int weight) {
    return """
    ---
    apiVersion: trestle.dev/v1
    kind: ServiceRoute
    metadata: {name: route-%d, organization: crash, tenant: shop, workspace: %s, group: traffic}
    spec:
      service: %s/svc-%d
      subsets:
      - {name: v1, labels: {version: v1}, weight: %d}
      - {name: v2, labels: {version: v2}, weight: %d}
    """
        .formatted(r, workspace, workspace, r, weight, 100 - weight);
  }

  private static String route(String group, int r) {
    return group + "/serviceroutes/route-" + r;
  }

  private static String commit(Git author, Path bare, String message) throws Exception {
    author.add().addFilepattern(".").call();
    author.add().addFilepattern(".").setUpdate(true).call();
    String sha =
        author
            .commit()
            .setMessage(message)
            .setAuthor("t", "t@example.test")
            .setCommitter("t", "t@example.test")
            .setSign(false)
            .call()
            .getName();
    author
        .push()
        .setRemote(bare.toUri().toString())
        .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
        .call();
    return sha;
  }

  // ---- the API ----

  private static void connect() {
    if (channel != null) {
      channel.shutdownNow();
    }
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.running().apiPort(), InsecureChannelCredentials.create())
            .build();
  }

  private static CallCredentials admin() {
    String token;
    try {
      token = Files.readString(central.workDir().resolve("data/admin.token")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  private static ManagementServiceGrpc.ManagementServiceBlockingStub mgmt() {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(admin())
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static GitOpsServiceGrpc.GitOpsServiceBlockingStub gitops() {
    return GitOpsServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(admin())
        .withDeadlineAfter(170, TimeUnit.SECONDS);
  }

  private static GitSourceStatus sync() {
    return gitops().syncGitSource(SyncGitSourceRequest.newBuilder().setSource(SOURCE).build());
  }

  /** The sync the kill interrupts: its call fails with the connection (or its deadline). */
  private static void syncIgnoringTheCrash() {
    try {
      sync();
    } catch (StatusRuntimeException e) {
      // expected: central died under it
    }
  }

  private static GitSourceStatus status() {
    return gitops()
        .getGitOpsStatus(GitOpsStatusRequest.newBuilder().setSource(SOURCE).build())
        .getSources(0);
  }

  private static void apply(String yaml) {
    var results =
        mgmt()
            .apply(
                ApplyRequest.newBuilder()
                    .addAllResources(
                        ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList())
                    .build())
            .getResultsList();
    assertThat(results).allMatch(r -> !r.hasError(), results.toString());
  }

  private static void bindEditor(String target, String subject) {
    var iam =
        IamServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(admin())
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    var current =
        iam.getAccessBindings(GetAccessBindingsRequest.newBuilder().setTarget(target).build());
    iam.setAccessBindings(
        SetAccessBindingsRequest.newBuilder()
            .setTarget(target)
            .addAllBindings(current.getBindingsList())
            .addBindings(Binding.newBuilder().setRole("editor").addSubjects(subject))
            .build());
  }

  private static List<Resource> listAll(String parent) {
    var out = new ArrayList<Resource>();
    String token = "";
    do {
      ListResponse page =
          mgmt()
              .list(
                  ListRequest.newBuilder()
                      .setParent(parent)
                      .setRecursive(true)
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
      out.addAll(page.getResourcesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** How many of commit B's routes exist (cheap enough to poll: one kind, one page). */
  private static int newRoutes() {
    int n = 0;
    for (int w = 1; w <= NEW_WORKSPACES; w++) {
      try {
        n +=
            mgmt()
                .list(
                    ListRequest.newBuilder()
                        .setParent(TENANT + "/workspaces/ws-" + w + "/groups/traffic")
                        .setKind("ServiceRoute")
                        .setPageSize(1000)
                        .build())
                .getResourcesCount();
      } catch (StatusRuntimeException e) {
        // not created yet, or a read that waited too long behind the sync's writes: not counted
        var code = e.getStatus().getCode();
        if (code != Status.Code.NOT_FOUND
            && code != Status.Code.UNAVAILABLE
            && code != Status.Code.DEADLINE_EXCEEDED) {
          throw e;
        }
      }
    }
    return n;
  }

  /** The accepted writes of {@code principal}, by FQN. */
  private static Map<String, List<AuditEntry>> auditRows(String principal) {
    var stub = AuditServiceGrpc.newBlockingStub(channel).withCallCredentials(admin());
    var out = new TreeMap<String, List<AuditEntry>>();
    String token = "";
    do {
      AuditQueryResponse page =
          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
              .query(
                  AuditQueryRequest.newBuilder()
                      .setPrincipal(principal)
                      .setOutcome(AuditOutcome.ACCEPTED)
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
      for (AuditEntry e : page.getEntriesList()) {
        if (e.getRequestId().startsWith("git:")
            && (e.getOperation() == AuditOperation.CREATE
                || e.getOperation() == AuditOperation.UPDATE
                || e.getOperation() == AuditOperation.DELETE)) {
          out.computeIfAbsent(e.getFqn(), k -> new ArrayList<>()).add(e);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  private static String fqnOf(Resource r) {
    return Fqn.of(Kind.byKindName(r.getKind()).orElseThrow(), r.getMetadata()).toString();
  }
}
