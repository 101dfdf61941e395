package dev.trestle.gitops;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.gitops.DesiredDocuments.Desired;
import dev.trestle.gitops.SyncReport.ResourceState;
import dev.trestle.management.ApplyOutcomeView;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.PrunePlan;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResourceState;
import dev.trestle.protocol.v1.GitSourceSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One sync of one source: fetch the commit, read its documents, compare them with what is stored,
 * apply what git changed (and, with self-heal, what was changed outside git) as the source's own
 * principal, then prune what disappeared from git within {@link PrunePlan}'s guard. Every write
 * carries the commit and file in its request id ({@code git:SHA:PATH}), which the audit log and the
 * history show. A repeat sync of an unchanged commit writes nothing. (A little over 400 lines: the
 * steps of one sync share the {@code Run}'s inputs and read best in their order, in one place.)
 */
final class GitSourceSync {
  /** The audit log's request id column holds this many characters. */
  private static final int MAX_REQUEST_ID = 128;

  private static final int PAGE = 1000;

  /** Writes of one sync in flight at once. */
  private static final int CONCURRENT_WRITES = 16;

  private final ResourceService resources;
  private final GitRepositories repositories;
  private final GitOpsSettings settings;
  private final Executor blocking;
  private final Clock clock;

  GitSourceSync(
      ResourceService resources,
      GitRepositories repositories,
      GitOpsSettings settings,
      Executor blocking,
      Clock clock) {
    this.resources = resources;
    this.repositories = repositories;
    this.settings = settings;
    this.blocking = blocking;
    this.clock = clock;
  }

  /**
   * Syncs {@code source} once. {@code beforeWrites} is called with the commit before the sync's
   * first write (never when it writes nothing), and the writes wait for it: the runner journals
   * there that a sync is under way, so a crash mid-sync is resumed at once on restart.
   */
  CompletionStage<SyncReport> run(
      Fqn source,
      GitSourceSpec spec,
      SyncReport previous,
      Function<String, CompletionStage<Void>> beforeWrites) {
    if (spec.getSuspend()) {
      return CompletableFuture.completedFuture(previous.paused(clock.instant()));
    }
    GitCredential credential = null;
    if (!spec.getCredentialsRef().isEmpty()) {
      credential = settings.credentials().get(spec.getCredentialsRef());
      if (credential == null) {
        return CompletableFuture.completedFuture(
            previous.failed(
                previous.fetchedCommit(),
                "spec.credentialsRef '"
                    + spec.getCredentialsRef()
                    + "' names no trestle.gitops.credentials entry on the server",
                clock.instant()));
      }
    }
    GitCredential using = credential;
    String ref = spec.getRef().isEmpty() ? "main" : spec.getRef();
    return CompletableFuture.supplyAsync(
            () -> repositories.fetch(spec.getUrl(), ref, spec.getPathsList(), using), blocking)
        .thenCompose(
            snapshot -> {
              List<Desired> desired;
              try {
                desired = DesiredDocuments.read(snapshot.files(), Ownership.gitSourceOwner(source));
              } catch (GitOpsException e) {
                return CompletableFuture.completedFuture(
                    previous.failed(snapshot.commit(), e.getMessage(), clock.instant()));
              }
              return new Run(source, spec, snapshot.commit(), desired, previous, beforeWrites)
                  .start();
            })
        .exceptionally(
            e -> {
              Throwable cause = e.getCause() != null ? e.getCause() : e;
              String why =
                  cause instanceof GitOpsException
                      ? cause.getMessage()
                      : Problem.of(cause, source.toString()).message();
              return previous.failed(previous.fetchedCommit(), why, clock.instant());
            });
  }

  /** The steps of one sync over the same inputs. */
  private final class Run {
    final Fqn source;
    final GitSourceSpec spec;
    final String commit;
    final List<Desired> desired;
    final SyncReport previous;
    final String owner;
    final String principal;
    final Map<String, ResourceState> states = new LinkedHashMap<>();
    final Map<String, String> gitDigests = new ConcurrentHashMap<>();
    final Function<String, CompletionStage<Void>> beforeWrites;
    CompletionStage<Void> began;
    String error = "";

    Run(
        Fqn source,
        GitSourceSpec spec,
        String commit,
        List<Desired> desired,
        SyncReport previous,
        Function<String, CompletionStage<Void>> beforeWrites) {
      this.source = source;
      this.spec = spec;
      this.commit = commit;
      this.desired = desired;
      this.previous = previous;
      this.owner = Ownership.gitSourceOwner(source);
      this.principal = Ownership.gitSourcePrincipal(source);
      this.beforeWrites = beforeWrites;
    }

    /** Called before each group of writes; only the first one reaches {@code beforeWrites}. */
    private synchronized CompletionStage<Void> beforeFirstWrite() {
      if (began == null) {
        began = beforeWrites.apply(commit);
      }
      return began;
    }

    CompletionStage<SyncReport> start() {
      Fqn organization = source.parent().parent();
      return listOwned(organization, "", new ArrayList<>())
          .thenCompose(owned -> current(owned).thenCompose(cur -> apply(cur, organization)))
          .thenCompose(owned -> prune(owned))
          .thenApply(x -> report());
    }

    private Caller caller(String path) {
      String id = "git:" + commit + ":" + path;
      return new Caller(
          principal, id.length() <= MAX_REQUEST_ID ? id : id.substring(0, MAX_REQUEST_ID));
    }

    /** Every resource of the organization carrying this source's owner label. */
    private CompletionStage<List<ResourceEntity.View>> listOwned(
        Fqn organization, String token, List<ResourceEntity.View> acc) {
      return resources
          .list(
              organization.toString(),
              "",
              true,
              Ownership.OWNER_LABEL + "=" + owner,
              PAGE,
              token,
              caller("list"))
          .thenCompose(
              page -> {
                acc.addAll(page.items());
                return page.nextPageToken().isEmpty()
                    ? CompletableFuture.completedFuture(acc)
                    : listOwned(organization, page.nextPageToken(), acc);
              });
    }

    /** The stored state of every owned or desired resource (absent or unreadable: missing). */
    private CompletionStage<Map<String, ResourceEntity.View>> current(
        List<ResourceEntity.View> owned) {
      var out = new HashMap<String, ResourceEntity.View>();
      owned.forEach(v -> out.put(v.snapshot().fqn(), v));
      var lookups = new LinkedHashMap<String, CompletableFuture<ResourceEntity.View>>();
      for (Desired d : desired) {
        if (!out.containsKey(d.fqn())) {
          lookups.put(
              d.fqn(),
              resources
                  .get(d.fqn(), caller(d.path()))
                  .exceptionally(e -> null)
                  .toCompletableFuture());
        }
      }
      return CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new))
          .thenApply(
              x -> {
                lookups.forEach(
                    (fqn, f) -> {
                      if (f.join() != null) {
                        out.put(fqn, f.join());
                      }
                    });
                return out;
              });
    }

    /** Decides per document, then applies parents before children; answers the owned views. */
    private CompletionStage<Map<String, ResourceEntity.View>> apply(
        Map<String, ResourceEntity.View> current, Fqn organization) {
      var toApply = new TreeMap<Integer, List<Desired>>();
      var notes = new HashMap<String, String>();
      for (Desired d : desired) {
        ResourceEntity.View cur = current.get(d.fqn());
        if (!organization.contains(Fqn.parse(d.fqn()))) {
          state(d, GitOpsResourceState.RESOURCE_FAILED, "outside the source's organization", "");
          continue;
        }
        if (cur != null && cur.snapshot().equals(d.snapshot())) {
          gitDigests.put(d.fqn(), d.digest());
          state(d, GitOpsResourceState.RESOURCE_IN_SYNC, "", "");
          continue;
        }
        if (cur != null && changedOutsideGit(d, cur)) {
          if (!spec.getSelfHeal()) {
            gitDigests.put(d.fqn(), d.digest());
            state(
                d,
                GitOpsResourceState.RESOURCE_DRIFTED,
                "changed outside git by " + cur.updatedBy() + " (version " + cur.version() + ")",
                cur.updatedBy());
            continue;
          }
          notes.put(d.fqn(), "reverted the change of " + cur.updatedBy());
        }
        toApply.computeIfAbsent(d.depth(), k -> new ArrayList<>()).add(d);
      }
      CompletionStage<Void> chain =
          toApply.isEmpty() ? CompletableFuture.completedFuture(null) : beforeFirstWrite();
      for (List<Desired> wave : toApply.values()) {
        chain = chain.thenCompose(x -> applyWave(wave, notes));
      }
      Map<String, ResourceEntity.View> owned = new HashMap<>();
      current.forEach(
          (fqn, v) -> {
            if (owner.equals(v.snapshot().labels().get(Ownership.OWNER_LABEL))) {
              owned.put(fqn, v);
            }
          });
      return chain.thenApply(x -> owned);
    }

    /**
     * Owned, differs from git, git did not change it since the last sync and someone else wrote it
     * last: the difference was made outside git.
     */
    private boolean changedOutsideGit(Desired d, ResourceEntity.View cur) {
      boolean owned = owner.equals(cur.snapshot().labels().get(Ownership.OWNER_LABEL));
      String lastGit = previous.gitDigests().get(d.fqn());
      boolean gitChanged = lastGit != null && !lastGit.equals(d.digest());
      return owned && !gitChanged && !principal.equals(cur.updatedBy());
    }

    /**
     * One depth's documents, {@link #CONCURRENT_WRITES} at a time: a commit of hundreds of
     * documents must not flood the entities with asks that then time out (each would be
     * RESOURCE_FAILED).
     */
    private CompletionStage<Void> applyWave(List<Desired> wave, Map<String, String> notes) {
      CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
      for (int i = 0; i < wave.size(); i += CONCURRENT_WRITES) {
        List<Desired> batch = wave.subList(i, Math.min(wave.size(), i + CONCURRENT_WRITES));
        chain = chain.thenCompose(x -> applyBatch(batch, notes));
      }
      return chain;
    }

    private CompletionStage<Void> applyBatch(List<Desired> batch, Map<String, String> notes) {
      var running =
          batch.stream()
              .map(
                  d ->
                      resources
                          .apply(List.of(d.resource()), false, false, caller(d.path()))
                          .thenAccept(outcomes -> record(d, outcomes.get(0), notes.get(d.fqn())))
                          .exceptionally(
                              e -> {
                                failedState(d, Problem.of(e, d.fqn()));
                                return null;
                              })
                          .toCompletableFuture())
              .toList();
      return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
    }

    private void record(Desired d, ApplyOutcomeView outcome, String note) {
      if (outcome.problem() != null) {
        failedState(d, outcome.problem());
        return;
      }
      gitDigests.put(d.fqn(), d.digest());
      String changed =
          outcome.changes().stream().map(c -> c.getPath()).collect(Collectors.joining(", "));
      String message = note == null ? changed : note + (changed.isEmpty() ? "" : ": " + changed);
      var state =
          switch (outcome.outcome()) {
            case CREATED -> GitOpsResourceState.RESOURCE_CREATED;
            case UPDATED -> GitOpsResourceState.RESOURCE_UPDATED;
            default -> GitOpsResourceState.RESOURCE_IN_SYNC;
          };
      state(d, state, message, "");
    }

    private void failedState(Desired d, Problem problem) {
      String before = previous.gitDigests().get(d.fqn());
      if (before != null) {
        gitDigests.put(d.fqn(), before);
      }
      state(d, GitOpsResourceState.RESOURCE_FAILED, problem.message(), "");
    }

    private synchronized void state(
        Desired d, GitOpsResourceState state, String message, String changedBy) {
      states.put(
          d.fqn(),
          new ResourceState(
              d.fqn(), d.snapshot().kind(), state, d.path(), d.line(), message, changedBy));
    }

    private synchronized void pruneState(String fqn, GitOpsResourceState state, String message) {
      String kind = Fqn.parse(fqn).kind().map(Kind::kindName).orElse("");
      states.put(fqn, new ResourceState(fqn, kind, state, "", 0, message, ""));
    }

    private CompletionStage<Void> prune(Map<String, ResourceEntity.View> owned) {
      Set<String> wanted = desired.stream().map(Desired::fqn).collect(Collectors.toSet());
      var plan =
          PrunePlan.of(
              owned.values().stream()
                  .map(
                      v ->
                          new PrunePlan.Owned(
                              v.snapshot().fqn(), v.snapshot().deletionProtection()))
                  .toList(),
              wanted,
              spec.getMaxDeletePercent(),
              spec.getAllowEmpty());
      plan.protectedOnes()
          .forEach(
              f ->
                  pruneState(
                      f,
                      GitOpsResourceState.RESOURCE_PRUNE_PENDING,
                      "gone from git but deletionProtection is set: delete it by hand"));
      if (plan.refusal() != null) {
        error = plan.refusal();
        plan.candidates()
            .forEach(
                f -> pruneState(f, GitOpsResourceState.RESOURCE_PRUNE_PENDING, plan.refusal()));
        return CompletableFuture.completedFuture(null);
      }
      if (!spec.getPrune()) {
        plan.candidates()
            .forEach(
                f ->
                    pruneState(
                        f,
                        GitOpsResourceState.RESOURCE_PRUNE_PENDING,
                        "gone from git; prune is off"));
        return CompletableFuture.completedFuture(null);
      }
      CompletionStage<Void> chain =
          plan.candidates().isEmpty()
              ? CompletableFuture.completedFuture(null)
              : beforeFirstWrite();
      for (String fqn : plan.candidates()) { // deepest first, one at a time
        chain =
            chain.thenCompose(
                x ->
                    resources
                        .delete(fqn, false, false, 0, caller("prune"))
                        .thenAccept(
                            deleted ->
                                pruneState(
                                    fqn, GitOpsResourceState.RESOURCE_PRUNED, "deleted from git"))
                        .exceptionally(
                            e -> {
                              pruneState(
                                  fqn,
                                  GitOpsResourceState.RESOURCE_FAILED,
                                  "prune: " + Problem.of(e, fqn).message());
                              return null;
                            }));
      }
      return chain;
    }

    private SyncReport report() {
      var list = new ArrayList<>(states.values());
      list.sort((a, b) -> a.fqn().compareTo(b.fqn()));
      boolean pending =
          list.stream()
              .anyMatch(
                  s ->
                      s.state() == GitOpsResourceState.RESOURCE_DRIFTED
                          || s.state() == GitOpsResourceState.RESOURCE_PRUNE_PENDING
                          || s.state() == GitOpsResourceState.RESOURCE_FAILED);
      GitOpsPhase phase =
          !error.isEmpty()
              ? GitOpsPhase.GITOPS_FAILED
              : pending ? GitOpsPhase.GITOPS_OUT_OF_SYNC : GitOpsPhase.GITOPS_SYNCED;
      return new SyncReport(commit, commit, phase, error, clock.instant(), list, gitDigests);
    }
  }
}
