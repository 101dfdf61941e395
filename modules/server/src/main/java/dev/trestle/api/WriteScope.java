package dev.trestle.api;

import dev.trestle.audit.AccessBindingIndex;
import dev.trestle.core.Caller;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.iam.AccessControl;
import dev.trestle.protocol.Fqn;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether a caller may write at all, asked before a large request body is read so a principal
 * without write rights cannot make the server read and parse megabytes: for {@code PUT} on the
 * path's FQN, for an apply anywhere (through {@link AccessBindingIndex}). Only a pre-check: every
 * document is still authorized on its own when applied.
 */
final class WriteScope {
  private static final Set<Perm> WRITES = Set.of(Perm.WRITE, Perm.CREATE);

  private final AccessControl access;
  private final AccessBindingIndex index;

  WriteScope(AccessControl access, AccessBindingIndex index) {
    this.access = access;
    this.index = index;
  }

  /** {@code fqn} empty: anywhere; else on that FQN (anywhere when it is not a valid FQN). */
  CompletionStage<Void> require(Caller caller, Optional<String> fqn) {
    if (access.insecureDev()) {
      return CompletableFuture.completedFuture(null);
    }
    Optional<Fqn> target = fqn.flatMap(WriteScope::parse);
    if (target.isPresent()) {
      return access
          .permissions(caller.principal(), target.get())
          .thenApply(
              perms -> {
                if (perms.stream().noneMatch(WRITES::contains)) {
                  throw new ProblemException(
                      Problem.of(
                          Problem.Code.PERMISSION_DENIED,
                          target.get().toString(),
                          "permission denied: "
                              + caller.principal()
                              + " may not WRITE or CREATE "
                              + target.get()
                              + "; the request body was not read"));
                }
                return null;
              });
    }
    return index
        .targetsOf(caller.principal())
        .thenCompose(
            targets ->
                targets.isEmpty()
                    ? CompletableFuture.<Void>completedFuture(null) // the index cannot tell
                    : anyWrite(caller.principal(), targets.get(), 0));
  }

  private CompletionStage<Void> anyWrite(String principal, List<String> targets, int i) {
    if (i == targets.size()) {
      return CompletableFuture.failedFuture(
          new ProblemException(
              Problem.of(
                  Problem.Code.PERMISSION_DENIED,
                  "",
                  "permission denied: "
                      + principal
                      + " may not write anywhere (no binding grants it WRITE or CREATE); the"
                      + " request body was not read")));
    }
    Optional<Fqn> target = parse(targets.get(i));
    if (target.isEmpty()) {
      return anyWrite(principal, targets, i + 1);
    }
    return access
        .permissions(principal, target.get())
        .thenCompose(
            perms ->
                perms.stream().anyMatch(WRITES::contains)
                    ? CompletableFuture.<Void>completedFuture(null)
                    : anyWrite(principal, targets, i + 1));
  }

  private static Optional<Fqn> parse(String text) {
    try {
      return Optional.of(Fqn.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
