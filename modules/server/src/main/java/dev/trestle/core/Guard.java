package dev.trestle.core;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Authorization as the resource service needs it; implemented by the IAM context. */
public interface Guard {
  /** Allows everything; for tests of the resource logic alone. */
  Guard OPEN =
      new Guard() {
        @Override
        public CompletionStage<Boolean> allowed(String principal, Perm perm, Fqn target) {
          return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletionStage<Boolean> allowedOnAllBelow(
            String principal, Perm perm, Fqn ancestor, Kind kind) {
          return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletionStage<Void> created(Caller caller, String fqn) {
          return CompletableFuture.completedFuture(null);
        }
      };

  CompletionStage<Boolean> allowed(String principal, Perm perm, Fqn target);

  /**
   * Whether {@code principal} holds {@code perm} on every {@code kind} resource below {@code
   * ancestor} through bindings on {@code ancestor} or above it alone, so one answer stands for all
   * of them (bindings only add permissions). False says nothing about a single resource, which may
   * still be allowed by bindings of its own: ask {@link #allowed} for it then.
   */
  CompletionStage<Boolean> allowedOnAllBelow(String principal, Perm perm, Fqn ancestor, Kind kind);

  /** Called after a resource was created (the creator becomes its admin). */
  CompletionStage<Void> created(Caller caller, String fqn);

  /** Fails with PERMISSION_DENIED naming who, what and where. */
  default CompletionStage<Void> require(String principal, Perm perm, Fqn target) {
    return allowed(principal, perm, target)
        .thenApply(
            ok -> {
              if (!ok) {
                throw new ProblemException(denied(principal, perm, target));
              }
              return null;
            });
  }

  static Problem denied(String principal, Perm perm, Fqn target) {
    return Problem.of(
        Problem.Code.PERMISSION_DENIED,
        target.toString(),
        "permission denied: "
            + principal
            + " may not "
            + perm
            + " "
            + (target.isRoot() ? "at the root" : target.toString()));
  }
}
