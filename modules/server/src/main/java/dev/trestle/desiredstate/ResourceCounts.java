package dev.trestle.desiredstate;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How many resources of each kind the caller may READ, counted without listing them: one grouped
 * count over the desired-state read model's copy of the configuration (every resource, by
 * organization and kind; it trails the configuration by that projection's lag), then one permission
 * answer per organization and kind where the caller's bindings on the organization or the root
 * decide for all of them ({@link Guard#allowedOnAllBelow}). Only where they do not (a caller bound
 * lower in the tree) are that organization's resources of that kind checked one by one.
 */
public final class ResourceCounts {
  /** The counts: per kind name, and their sum. */
  public record Counts(long total, SortedMap<String, Long> byKind) {}

  private final DesiredStateStore store;
  private final Guard guard;

  public ResourceCounts(DesiredStateStore store, Guard guard) {
    this.store = store;
    this.guard = guard;
  }

  public CompletionStage<Counts> readableBy(Caller caller) {
    return store
        .resourceCounts()
        .thenCompose(
            groups -> {
              List<CompletableFuture<Long>> readable =
                  groups.stream().map(g -> readable(g, caller).toCompletableFuture()).toList();
              return CompletableFuture.allOf(readable.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        var byKind = new TreeMap<String, Long>();
                        long total = 0;
                        for (int i = 0; i < groups.size(); i++) {
                          long n = readable.get(i).join();
                          if (n > 0) {
                            byKind.merge(groups.get(i).kind(), n, Long::sum);
                            total += n;
                          }
                        }
                        return new Counts(total, byKind);
                      });
            });
  }

  private CompletionStage<Long> readable(DesiredStateStore.KindCount g, Caller caller) {
    Fqn org = Fqn.ROOT.child(Kind.ORGANIZATION, g.org());
    Kind kind = Kind.byKindName(g.kind()).orElse(null);
    if (kind == null) {
      return CompletableFuture.completedFuture(0L);
    }
    CompletionStage<Boolean> all =
        kind == Kind.ORGANIZATION
            ? guard.allowed(caller.principal(), Perm.READ, org)
            : guard.allowedOnAllBelow(caller.principal(), Perm.READ, org, kind);
    return all.thenCompose(
        yes ->
            yes
                ? CompletableFuture.completedFuture(g.count())
                : kind == Kind.ORGANIZATION
                    ? CompletableFuture.completedFuture(0L)
                    : store
                        .resourceFqns(g.org(), g.kind())
                        .thenCompose(fqns -> countReadable(fqns, caller)));
  }

  private CompletionStage<Long> countReadable(List<String> fqns, Caller caller) {
    List<CompletableFuture<Boolean>> checks =
        fqns.stream()
            .map(
                f ->
                    guard
                        .allowed(caller.principal(), Perm.READ, Fqn.parse(f))
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(x -> checks.stream().filter(CompletableFuture::join).count());
  }
}
