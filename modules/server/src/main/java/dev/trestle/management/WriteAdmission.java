package dev.trestle.management;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Permission before validation: before a document's content is judged, the caller must be able to
 * write where the document says it lives, so a principal without rights learns nothing about the
 * rules, the tree or the content from validation errors (issue 16, point 4).
 *
 * <p>A document that names a sound FQN is admitted when the caller may WRITE that FQN or CREATE
 * under its parent (which of the two the apply needs is decided later, once the current state is
 * known). A document whose FQN cannot be formed (unknown kind, malformed names) is admitted when
 * the caller may WRITE or CREATE at the deepest well-formed place its metadata names (the root when
 * none). A refusal never depends on whether the target exists unless the caller may READ it: an
 * unreadable target is refused as if it did not exist (CREATE under its parent).
 */
final class WriteAdmission {
  private static final List<Kind> PLACES =
      List.of(Kind.ORGANIZATION, Kind.TENANT, Kind.WORKSPACE, Kind.GROUP);

  private final ResourceAsks asks;
  private final Guard guard;

  WriteAdmission(ResourceAsks asks, Guard guard) {
    this.asks = asks;
    this.guard = guard;
  }

  /** Completes with {@code null} when the caller may go on, or with the denial. */
  CompletionStage<Problem> check(Resource r, Caller caller) {
    String principal = caller.principal();
    Optional<Kind> kind = Kind.byKindName(r.getKind());
    Optional<Fqn> target = kind.flatMap(k -> wellFormed(k, r.getMetadata()));
    if (target.isEmpty()) {
      Fqn place = place(kind, r.getMetadata());
      return mayAny(principal, place, Perm.WRITE, place, Perm.CREATE)
          .thenApply(ok -> ok ? null : Guard.denied(principal, Perm.CREATE, place));
    }
    Fqn fqn = target.get();
    return mayAny(principal, fqn, Perm.WRITE, fqn.parent(), Perm.CREATE)
        .thenCompose(ok -> ok ? CompletableFuture.completedFuture(null) : denial(principal, fqn));
  }

  /** Which permission was missing is told only to a caller who may see whether fqn exists. */
  private CompletionStage<Problem> denial(String principal, Fqn fqn) {
    Problem asIfAbsent = Guard.denied(principal, Perm.CREATE, fqn.parent());
    return guard
        .allowed(principal, Perm.READ, fqn)
        .thenCompose(
            readable ->
                !readable
                    ? CompletableFuture.completedFuture(asIfAbsent)
                    : asks.view(fqn)
                        .thenApply(
                            v ->
                                v.exists()
                                    ? Guard.denied(principal, Perm.WRITE, fqn)
                                    : asIfAbsent));
  }

  private CompletionStage<Boolean> mayAny(
      String principal, Fqn first, Perm firstPerm, Fqn second, Perm secondPerm) {
    return guard
        .allowed(principal, firstPerm, first)
        .thenCompose(
            ok ->
                ok
                    ? CompletableFuture.completedFuture(true)
                    : guard.allowed(principal, secondPerm, second));
  }

  /** The document's FQN when every name in it is well formed. */
  private static Optional<Fqn> wellFormed(Kind kind, ResourceMetadata metadata) {
    try {
      return Optional.of(Fqn.parse(Fqn.of(kind, metadata).toString()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The deepest well-formed ancestor the metadata names; the root when none. */
  static Fqn place(Optional<Kind> kind, ResourceMetadata metadata) {
    List<Kind> levels =
        kind.map(k -> k.lineage().subList(0, k.lineage().size() - 1)).orElse(PLACES);
    Fqn place = Fqn.ROOT;
    for (Kind level : levels) {
      String name =
          switch (level) {
            case ORGANIZATION -> metadata.getOrganization();
            case TENANT -> metadata.getTenant();
            case WORKSPACE -> metadata.getWorkspace();
            case GROUP -> metadata.getGroup();
            default -> "";
          };
      if (name.isEmpty()) {
        break;
      }
      try {
        place = Fqn.parse(place.child(level, name).toString());
      } catch (IllegalArgumentException e) {
        break;
      }
    }
    return place;
  }
}
