package dev.trestle.clusters;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The clusters a caller may READ, found without asking every cluster. Clusters are the children of
 * their organization, so the organizations' child lists name them all (one ask per organization,
 * the kind read from the FQN). Where the caller's bindings on the organization or the root grant
 * READ on clusters, one check answers for all of that organization's clusters (bindings only add
 * permissions); elsewhere each cluster is checked, since a binding on the cluster itself may grant
 * it.
 *
 * <p>A child registration may belong to a create still in flight: {@link #all} names registered
 * clusters, and {@link #existing} tells which of a page's really exist before they are shown.
 */
final class ReadableClusters {
  private final ResourceService resources;
  private final Guard guard;

  ReadableClusters(ResourceService resources, Guard guard) {
    this.resources = resources;
    this.guard = guard;
  }

  /** The FQNs of every registered cluster the caller may READ, sorted. */
  CompletionStage<List<String>> all(Caller caller) {
    return resources
        .registeredChildren(Fqn.ROOT)
        .thenCompose(
            orgs -> {
              List<CompletableFuture<List<String>>> perOrg =
                  orgs.stream().map(o -> ofOrganization(o, caller).toCompletableFuture()).toList();
              return CompletableFuture.allOf(perOrg.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        var out = new ArrayList<String>();
                        perOrg.forEach(f -> out.addAll(f.join()));
                        out.sort(null);
                        return List.copyOf(out);
                      });
            });
  }

  /** Those of {@code fqns} that exist, in order. */
  CompletionStage<List<String>> existing(List<String> fqns) {
    return resources
        .exist(fqns)
        .thenApply(
            exists -> {
              var out = new ArrayList<String>();
              for (int i = 0; i < fqns.size(); i++) {
                if (exists.get(i)) {
                  out.add(fqns.get(i));
                }
              }
              return out;
            });
  }

  private CompletionStage<List<String>> ofOrganization(String org, Caller caller) {
    Fqn orgFqn = Fqn.parse(org);
    return resources
        .registeredChildren(orgFqn)
        .thenCompose(
            children -> {
              List<String> clusters =
                  children.stream()
                      .filter(c -> Fqn.parse(c).kind().orElse(null) == Kind.CLUSTER)
                      .toList();
              if (clusters.isEmpty()) {
                return CompletableFuture.completedFuture(clusters);
              }
              return guard
                  .allowedOnAllBelow(caller.principal(), Perm.READ, orgFqn, Kind.CLUSTER)
                  .thenCompose(
                      all ->
                          all
                              ? CompletableFuture.completedFuture(clusters)
                              : each(clusters, caller));
            });
  }

  private CompletionStage<List<String>> each(List<String> clusters, Caller caller) {
    List<CompletableFuture<Boolean>> checks =
        clusters.stream()
            .map(
                c ->
                    guard
                        .allowed(caller.principal(), Perm.READ, Fqn.parse(c))
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              var out = new ArrayList<String>();
              for (int i = 0; i < clusters.size(); i++) {
                if (checks.get(i).join()) {
                  out.add(clusters.get(i));
                }
              }
              return out;
            });
  }
}
