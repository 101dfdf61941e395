package dev.trestle.rollouts;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.RevisionRolloutStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The rollouts' status for the façades (READ on each rollout): every rollout of the read model the
 * caller may read, or the one named, each with its entity's stage state and the labels its
 * clusters' edges report now ({@link RolloutViews}).
 */
public final class RolloutOperations {
  private final ClusterSharding sharding;
  private final Supplier<CompletionStage<RolloutInputs>> store;
  private final Guard guard;
  private final Duration askTimeout;
  private final Clock clock;

  public RolloutOperations(
      ClusterSharding sharding,
      Supplier<CompletionStage<RolloutInputs>> store,
      Guard guard,
      Duration askTimeout,
      Clock clock) {
    this.sharding = sharding;
    this.store = store;
    this.guard = guard;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  /** Every rollout the caller may READ ({@code rollout} empty), or the one named (READ on it). */
  public CompletionStage<List<RevisionRolloutStatus>> status(String rollout, Caller caller) {
    if (rollout == null || rollout.isBlank()) {
      return store
          .get()
          .thenCompose(
              inputs -> {
                var readable =
                    inputs.rollouts().stream()
                        .map(
                            r ->
                                guard
                                    .allowed(
                                        caller.principal(),
                                        Perm.READ,
                                        Fqn.parse(r.getMetadata().getFqn()))
                                    .thenCompose(
                                        ok ->
                                            ok
                                                ? view(r, inputs).thenApply(List::of)
                                                : CompletableFuture.completedFuture(
                                                    List.<RevisionRolloutStatus>of()))
                                    .toCompletableFuture())
                        .toList();
                return CompletableFuture.allOf(readable.toArray(CompletableFuture[]::new))
                    .thenApply(
                        x -> {
                          var out = new ArrayList<RevisionRolloutStatus>();
                          readable.forEach(f -> out.addAll(f.join()));
                          return (List<RevisionRolloutStatus>) out;
                        });
              });
    }
    Fqn fqn;
    try {
      fqn = Fqn.parse(rollout.strip());
      if (fqn.kind().orElse(null) != Kind.REVISION_ROLLOUT) {
        throw new IllegalArgumentException(
            "'"
                + rollout
                + "' is not the FQN of a RevisionRollout"
                + " (organizations/ORG/revisionrollouts/NAME)");
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new ProblemException(Problem.invalidField("rollout", e.getMessage())));
    }
    return guard
        .require(caller.principal(), Perm.READ, fqn)
        .thenCompose(x -> store.get())
        .thenCompose(
            inputs ->
                inputs.rollouts().stream()
                    .filter(r -> r.getMetadata().getFqn().equals(fqn.toString()))
                    .findFirst()
                    .map(r -> view(r, inputs).thenApply(List::of))
                    .orElseGet(
                        () ->
                            CompletableFuture.failedFuture(
                                new ProblemException(
                                    Problem.of(
                                        Problem.Code.NOT_FOUND,
                                        fqn.toString(),
                                        fqn + " does not exist")))));
  }

  private CompletionStage<RevisionRolloutStatus> view(Resource rollout, RolloutInputs inputs) {
    String fqn = rollout.getMetadata().getFqn();
    String org = Fqn.parse(fqn).nameOf(Kind.ORGANIZATION).orElse("");
    return sharding
        .entityRefFor(RevisionRolloutEntity.TYPE_KEY, fqn)
        .<RevisionRolloutEntity.Progress>ask(RevisionRolloutEntity.GetProgress::new, askTimeout)
        .thenApply(
            progress ->
                RolloutViews.status(
                    fqn,
                    rollout.getRevisionRollout(),
                    progress.state(),
                    inputs.labels().getOrDefault(org, Map.of()),
                    clock.instant()));
  }
}
