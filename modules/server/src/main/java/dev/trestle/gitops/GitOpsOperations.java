package dev.trestle.gitops;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.gitops.GitOpsReconciler.SourceView;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GitSourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The GitOps context's entry point for the façades: status (READ on the source) and forced syncs
 * (WRITE on the source). Starts the reconciler as a cluster singleton.
 */
public final class GitOpsOperations {
  private final ActorSystem<?> system;
  private final ActorRef<GitOpsReconciler.Command> reconciler;
  private final ResourceService resources;
  private final SyncStatusStore store;
  private final Guard guard;
  private final Duration askTimeout;
  private final Duration syncTimeout;

  private GitOpsOperations(
      ActorSystem<?> system,
      ActorRef<GitOpsReconciler.Command> reconciler,
      ResourceService resources,
      SyncStatusStore store,
      Guard guard,
      Duration askTimeout,
      Duration syncTimeout) {
    this.system = system;
    this.reconciler = reconciler;
    this.resources = resources;
    this.store = store;
    this.guard = guard;
    this.askTimeout = askTimeout;
    this.syncTimeout = syncTimeout;
  }

  /**
   * Starts (or joins) the cluster-wide reconciler. {@code resources} is the guarded service: every
   * write of a sync goes through it as the source's own principal.
   */
  public static GitOpsOperations start(
      ActorSystem<?> system,
      GitOpsSettings settings,
      ResourceService resources,
      Guard guard,
      Duration askTimeout,
      Clock clock) {
    var blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("trestle.gitops-dispatcher"));
    var sync =
        new GitSourceSync(
            resources,
            new GitRepositories(settings.cacheDir(), settings.fetchTimeout()),
            settings,
            blocking,
            clock);
    var systemReads = new ResourceService(system, askTimeout);
    var store = SyncStatusStore.start(system, askTimeout, clock);
    var behavior =
        Behaviors.supervise(GitOpsReconciler.create(systemReads, sync, store, settings, clock))
            .onFailure(SupervisorStrategy.restart());
    ActorRef<GitOpsReconciler.Command> ref =
        settings.enabled()
            ? ClusterSingleton.get(system).init(SingletonActor.of(behavior, "gitops-reconciler"))
            : null;
    return new GitOpsOperations(
        system,
        ref,
        resources,
        store,
        guard,
        askTimeout,
        settings.fetchTimeout().plus(askTimeout.multipliedBy(6)));
  }

  /** Every source the caller may READ, or the one named (its READ required). */
  public CompletionStage<List<GitSourceStatus>> status(String source, Caller caller) {
    if (source == null || source.isBlank()) {
      return all()
          .thenCompose(
              views -> {
                var checks =
                    views.stream()
                        .map(
                            v ->
                                guard
                                    .allowed(caller.principal(), Perm.READ, Fqn.parse(v.fqn()))
                                    .toCompletableFuture())
                        .toList();
                return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                    .thenApply(
                        x -> {
                          var out = new ArrayList<GitSourceStatus>();
                          for (int i = 0; i < views.size(); i++) {
                            if (checks.get(i).join()) {
                              out.add(GitOpsViews.status(views.get(i)));
                            }
                          }
                          return (List<GitSourceStatus>) out;
                        });
              });
    }
    return sourceFqn(source)
        .thenCompose(fqn -> resources.get(fqn.toString(), caller))
        .thenCompose(
            stored ->
                known()
                    .thenCompose(
                        views ->
                            withJournaled(
                                views.stream()
                                    .filter(v -> v.fqn().equals(stored.snapshot().fqn()))
                                    .findFirst()
                                    .orElseGet(
                                        () ->
                                            new SourceView(
                                                stored.snapshot().fqn(),
                                                ResourceMapper.toResource(stored.snapshot())
                                                    .getGitSource(),
                                                SyncReport.NONE,
                                                false))))
                    .thenApply(view -> List.of(GitOpsViews.status(view))));
  }

  /** Syncs the source now (WRITE on it required) and answers its status afterwards. */
  public CompletionStage<GitSourceStatus> sync(String source, Caller caller) {
    return sourceFqn(source)
        .thenCompose(
            fqn ->
                guard
                    .require(caller.principal(), Perm.WRITE, fqn)
                    .thenCompose(x -> resources.get(fqn.toString(), caller))
                    .thenCompose(
                        stored ->
                            running()
                                .thenCompose(
                                    r ->
                                        AskPattern.<GitOpsReconciler.Command, List<SourceView>>ask(
                                            r,
                                            replyTo ->
                                                new GitOpsReconciler.SyncNow(
                                                    fqn.toString(),
                                                    ResourceMapper.toResource(stored.snapshot())
                                                        .getGitSource(),
                                                    replyTo),
                                            syncTimeout,
                                            system.scheduler())))
                    .thenApply(
                        views -> {
                          if (views.isEmpty()) {
                            throw new ProblemException(
                                Problem.of(
                                    Problem.Code.NOT_FOUND,
                                    fqn.toString(),
                                    fqn + " does not exist"));
                          }
                          return GitOpsViews.status(views.get(0));
                        }));
  }

  /**
   * Every source the runner knows, each with its last report: a source the runner has not read back
   * from the journal yet (just after a restart or a take-over) shows its journaled report.
   */
  private CompletionStage<List<SourceView>> all() {
    return known()
        .thenCompose(
            views -> {
              var filled = views.stream().map(v -> withJournaled(v).toCompletableFuture()).toList();
              return CompletableFuture.allOf(filled.toArray(CompletableFuture[]::new))
                  .thenApply(x -> filled.stream().map(CompletableFuture::join).toList());
            });
  }

  /** The sources the runner knows, as it knows them. */
  private CompletionStage<List<SourceView>> known() {
    return running()
        .thenCompose(
            r ->
                AskPattern.<GitOpsReconciler.Command, List<SourceView>>ask(
                    r, GitOpsReconciler.GetStatus::new, askTimeout, system.scheduler()));
  }

  private CompletionStage<SourceView> withJournaled(SourceView view) {
    if (view.report() != SyncReport.NONE) {
      return CompletableFuture.completedFuture(view);
    }
    return store
        .lastReport(view.fqn())
        .thenApply(r -> new SourceView(view.fqn(), view.spec(), r, view.running()));
  }

  private CompletionStage<ActorRef<GitOpsReconciler.Command>> running() {
    if (reconciler == null) {
      return CompletableFuture.failedFuture(
          new ProblemException(
              Problem.of(
                  Problem.Code.FAILED_PRECONDITION,
                  "",
                  "the GitOps reconciler is off on this server (trestle.gitops.enabled)")));
    }
    return CompletableFuture.completedFuture(reconciler);
  }

  private static CompletionStage<Fqn> sourceFqn(String text) {
    try {
      Fqn fqn = Fqn.parse(text == null ? "" : text.strip());
      if (fqn.kind().orElse(null) != Kind.GIT_SOURCE) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not the FQN of a GitSource (organizations/O/tenants/T/gitsources/N)");
      }
      return CompletableFuture.completedFuture(fqn);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new ProblemException(Problem.invalidField("source", e.getMessage())));
    }
  }
}
