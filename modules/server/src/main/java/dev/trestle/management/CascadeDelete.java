package dev.trestle.management;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Deleting a resource, and with {@code cascade} its whole subtree, deepest first. A cascade spans
 * entities, so its preconditions are checked here over the subtree before anything is deleted
 * (version of the target, descendants without cascade, deletionProtection without force); each
 * entity still refuses a delete that breaks its own rules (children left, protection, version) when
 * it gets the command, so a subtree that changed meanwhile stops the cascade where it is. Refusals
 * are recorded as DELETE attempts.
 */
final class CascadeDelete {
  private final ResourceAsks asks;
  private final ResourceQueries queries;
  private final Guard guard;
  private final RefusalLog refusals;

  CascadeDelete(ResourceAsks asks, ResourceQueries queries, Guard guard, RefusalLog refusals) {
    this.asks = asks;
    this.queries = queries;
    this.guard = guard;
    this.refusals = refusals;
  }

  /** The FQNs deleted, deepest first. */
  CompletionStage<List<String>> delete(
      String fqnText, boolean cascade, boolean force, long expectedVersion, Caller caller) {
    return plan(fqnText, cascade, force, expectedVersion, caller)
        .thenCompose(order -> remove(order, force, expectedVersion, caller))
        .exceptionally(
            e -> {
              Problem problem = Problem.of(e, fqnText);
              String kind = "";
              try {
                kind = Fqn.parse(fqnText).kind().map(Kind::kindName).orElse("");
              } catch (IllegalArgumentException malformed) {
                // the problem already says the FQN is malformed
              }
              refusals.refused(caller, WriteOperation.DELETE.name(), kind, fqnText, problem);
              throw new ProblemException(problem);
            });
  }

  /**
   * What {@link #delete} would remove, deepest first (the target last), after the same checks:
   * DELETE permission, the version precondition, descendants without cascade, deletionProtection
   * without force. Nothing is deleted, and a refusal is not recorded (a preview is not an attempt).
   */
  CompletionStage<List<ResourceEntity.View>> plan(
      String fqnText, boolean cascade, boolean force, long expectedVersion, Caller caller) {
    CompletionStage<Void> permitted;
    try {
      permitted =
          guard.require(caller.principal(), Perm.DELETE, ResourceQueries.parseFqn("fqn", fqnText));
    } catch (ProblemException e) {
      permitted = CompletableFuture.failedFuture(e);
    }
    return permitted
        .thenCompose(x -> queries.get(fqnText))
        .thenCompose(
            target -> {
              if (expectedVersion > 0 && expectedVersion != target.version()) {
                throw new ProblemException(
                    Problem.conflict(
                        target.snapshot().fqn(),
                        "version "
                            + expectedVersion
                            + " is stale: the current version of "
                            + target.snapshot().fqn()
                            + " is "
                            + target.version(),
                        target.version()));
              }
              return subtree(target, new ArrayList<>(List.of(target)));
            })
        .thenApply(
            nodes -> {
              var target = nodes.get(0);
              String fqn = target.snapshot().fqn();
              var descendants = nodes.subList(1, nodes.size());
              if (!descendants.isEmpty() && !cascade) {
                List<String> direct =
                    descendants.stream()
                        .map(v -> v.snapshot().fqn())
                        .filter(f -> Fqn.parse(f).parent().toString().equals(fqn))
                        .sorted()
                        .toList();
                throw new ProblemException(
                    Problem.hasChildren(
                        fqn,
                        fqn
                            + " has "
                            + descendants.size()
                            + " descendant(s), "
                            + direct.size()
                            + " direct: "
                            + String.join(", ", direct)
                            + "; delete them first or use cascade",
                        direct));
              }
              var protectedOnes =
                  nodes.stream()
                      .filter(v -> v.snapshot().deletionProtection())
                      .map(v -> v.snapshot().fqn())
                      .sorted()
                      .toList();
              if (!protectedOnes.isEmpty() && !force) {
                throw new ProblemException(
                    new Problem(
                        Problem.Code.FAILED_PRECONDITION,
                        "deletionProtection is set on "
                            + String.join(", ", protectedOnes)
                            + "; use force to delete",
                        List.of(),
                        fqn,
                        0,
                        protectedOnes));
              }
              var order = new ArrayList<>(nodes);
              order.sort(
                  Comparator.<ResourceEntity.View>comparingInt(
                          v -> -Fqn.parse(v.snapshot().fqn()).depth())
                      .thenComparing(v -> v.snapshot().fqn()));
              return List.copyOf(order);
            });
  }

  /** Deletes the planned nodes in order; the target (last) with the version precondition. */
  private CompletionStage<List<String>> remove(
      List<ResourceEntity.View> order, boolean force, long expectedVersion, Caller caller) {
    var target = order.get(order.size() - 1);
    var deleted = new ArrayList<String>();
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (var node : order) {
      Fqn nodeFqn = Fqn.parse(node.snapshot().fqn());
      long precondition = node == target ? expectedVersion : 0;
      chain =
          chain
              .thenCompose(
                  x ->
                      asks.entity(nodeFqn)
                          .<ResourceEntity.DeleteReply>ask(
                              replyTo ->
                                  new ResourceEntity.DeleteResource(
                                      precondition,
                                      force,
                                      caller.principal(),
                                      caller.requestId(),
                                      replyTo),
                              asks.timeout()))
              .thenCompose(
                  reply -> {
                    if (reply.problem() != null) {
                      throw new ProblemException(reply.problem());
                    }
                    deleted.add(nodeFqn.toString());
                    return asks.unregisterChild(nodeFqn);
                  });
    }
    return chain.thenApply(x -> List.copyOf(deleted));
  }

  /** The node and all live descendants; drops child registrations whose child is gone. */
  private CompletionStage<List<ResourceEntity.View>> subtree(
      ResourceEntity.View node, List<ResourceEntity.View> acc) {
    Fqn nodeFqn = Fqn.parse(node.snapshot().fqn());
    var futures =
        node.children().stream().map(c -> asks.view(Fqn.parse(c)).toCompletableFuture()).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenCompose(
            ignored -> {
              CompletionStage<List<ResourceEntity.View>> chain =
                  CompletableFuture.completedFuture(acc);
              for (int i = 0; i < futures.size(); i++) {
                var child = futures.get(i).join();
                String childFqn = node.children().get(i);
                if (!child.exists()) {
                  chain =
                      chain.thenCompose(
                          a -> asks.unregisterChild(Fqn.parse(childFqn)).thenApply(x -> a));
                } else {
                  chain =
                      chain.thenCompose(
                          a -> {
                            a.add(child);
                            return subtree(child, a);
                          });
                }
              }
              return chain;
            });
  }
}
