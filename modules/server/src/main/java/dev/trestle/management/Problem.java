package dev.trestle.management;

import dev.trestle.serialization.CborSerializable;
import java.util.List;

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
}
