package dev.trestle.core;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.AskTimeoutException;

/**
 * Why a command was refused, in a form every façade maps the same way (see {@code
 * api.ErrorMapping}).
 */
public record Problem(
    Code code,
    String message,
    List<Violation> violations,
    String fqn,
    long currentVersion,
    List<String> children)
    implements CborSerializable {

  public enum Code {
    INVALID_ARGUMENT,
    NOT_FOUND,
    UNAUTHENTICATED,
    PERMISSION_DENIED,
    RATE_LIMITED,
    CONFLICT,
    FAILED_PRECONDITION,
    TOO_LARGE,
    UNAVAILABLE,
    INTERNAL
  }

  /** A field path and what is wrong with its value. */
  public record Violation(String field, String description) implements CborSerializable {}

  public Problem {
    violations = List.copyOf(violations == null ? List.of() : violations);
    children = List.copyOf(children == null ? List.of() : children);
    fqn = fqn == null ? "" : fqn;
  }

  public static Problem invalid(String fqn, List<Violation> violations) {
    var first = violations.get(0);
    String more = violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "";
    return new Problem(
        Code.INVALID_ARGUMENT,
        first.field() + ": " + first.description() + more,
        violations,
        fqn,
        0,
        List.of());
  }

  /** One bad field: INVALID_ARGUMENT with the field path in the message and the violation. */
  public static Problem invalidField(String field, String description) {
    return new Problem(
        Code.INVALID_ARGUMENT,
        field + ": " + description,
        List.of(new Violation(field, description)),
        "",
        0,
        List.of());
  }

  public static Problem of(Code code, String fqn, String message) {
    return new Problem(code, message, List.of(), fqn, 0, List.of());
  }

  public static Problem conflict(String fqn, String message, long currentVersion) {
    return new Problem(Code.CONFLICT, message, List.of(), fqn, currentVersion, List.of());
  }

  public static Problem hasChildren(String fqn, String message, List<String> children) {
    return new Problem(Code.FAILED_PRECONDITION, message, List.of(), fqn, 0, children);
  }

  /**
   * The problem a failed stage carries: a {@link ProblemException}'s own, UNAVAILABLE for a timeout
   * (the store did not answer), INTERNAL for anything else. Unwraps completion wrappers first.
   */
  public static Problem of(Throwable failure, String fqn) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ProblemException p) {
      return p.problem();
    }
    if (cause instanceof TimeoutException || cause instanceof AskTimeoutException) {
      return of(Code.UNAVAILABLE, fqn, "the configuration store did not answer in time; retry");
    }
    return of(Code.INTERNAL, fqn, "internal error: " + cause);
  }
}
