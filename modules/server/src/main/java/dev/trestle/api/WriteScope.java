package dev.trestle.api;

import dev.trestle.audit.AccessBindingIndex;
import dev.trestle.core.Caller;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.iam.AccessControl;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether a caller may write at all, asked before a request body is read so a principal without
 * write rights cannot make the server read and parse it, and is told "permission denied" rather
 * than what is wrong with its documents: for {@code PUT} on the path's FQN, for an apply anywhere
 * (through {@link AccessBindingIndex}, over the bindings naming the principal or one of its
 * groups). Only a pre-check: every document is still authorized on its own when applied.
 */
final class WriteScope {
  private static final Set<Perm> WRITES = Set.of(Perm.WRITE, Perm.CREATE);

  private final AccessControl access;
  private final AccessBindingIndex index;
  private final RefusalLog refusals;

  WriteScope(AccessControl access, AccessBindingIndex index, RefusalLog refusals) {
    this.access = access;
    this.index = index;
    this.refusals = refusals;
  }

  /**
   * {@link #check}, with a refusal written to the audit log like any refused write: as an UPDATE of
   * the path's resource for a PUT, as an APPLY of nothing yet looked at otherwise.
   */
  CompletionStage<Void> require(Caller caller, Optional<String> fqn) {
    return check(caller, fqn)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                return;
              }
              Problem problem = Problem.of(error, fqn.orElse(""));
              if (problem.code() != Problem.Code.PERMISSION_DENIED) {
                return;
              }
              Optional<Fqn> target = fqn.flatMap(WriteScope::parse);
              refusals.refused(
                  caller,
                  target.isPresent() ? "UPDATE" : "APPLY",
                  target.flatMap(Fqn::kind).map(Kind::kindName).orElse(""),
                  target.map(Fqn::toString).orElse(""),
                  problem);
            });
  }

  /** {@code fqn} empty: anywhere; else on that FQN (anywhere when it is not a valid FQN). */
  private CompletionStage<Void> check(Caller caller, Optional<String> fqn) {
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
    // The root first: it needs no index (whose projection may trail a fresh admin binding).
    return access
        .permissions(caller.principal(), Fqn.ROOT)
        .thenCompose(
            atRoot ->
                atRoot.stream().anyMatch(WRITES::contains)
                    ? CompletableFuture.<Void>completedFuture(null)
                    : writesBelowRoot(caller.principal()));
  }

  private CompletionStage<Void> writesBelowRoot(String principal) {
    return targetsOf(access.bindingSubjects(principal), 0, new TreeSet<>())
        .thenCompose(
            targets ->
                targets.isEmpty()
                    ? CompletableFuture.<Void>completedFuture(null) // the index cannot tell
                    : anyWrite(principal, List.copyOf(targets.get()), 0));
  }

  /** Where bindings name any of {@code subjects} (the principal and its groups). */
  private CompletionStage<Optional<Set<String>>> targetsOf(
      List<String> subjects, int i, Set<String> found) {
    if (i == subjects.size()) {
      return CompletableFuture.completedFuture(Optional.of(found));
    }
    return index
        .targetsOf(subjects.get(i))
        .thenCompose(
            targets -> {
              if (targets.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.empty());
              }
              found.addAll(targets.get());
              return targetsOf(subjects, i + 1, found);
            });
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
