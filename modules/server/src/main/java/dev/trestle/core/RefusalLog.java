package dev.trestle.core;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.function.BiConsumer;

/** Where refused attempts are recorded (the audit log); never sees the refused payload. */
public interface RefusalLog {
  RefusalLog NONE = (caller, operation, kind, fqn, problem) -> {};

  /** The operation of a denied read; its verb (GET, LIST, HISTORY, AUDIT) opens the message. */
  String READ = "READ";

  /** {@code operation}: CREATE, UPDATE, DELETE, APPLY when the target state is unknown, or READ. */
  void refused(Caller caller, String operation, String kind, String fqn, Problem problem);

  /**
   * A read of {@code fqn} refused: recorded as operation {@link #READ}, the message starting with
   * {@code verb}. Implementations may throttle these (a scraper must not flood the log).
   */
  default void deniedRead(Caller caller, String verb, String fqn, Problem problem) {
    String kind;
    try {
      kind = Fqn.parse(fqn).kind().map(Kind::kindName).orElse("");
    } catch (IllegalArgumentException e) {
      kind = "";
    }
    refused(
        caller,
        READ,
        kind,
        fqn,
        new Problem(
            problem.code(),
            verb + ": " + problem.message(),
            problem.violations(),
            problem.fqn(),
            problem.currentVersion(),
            problem.children()));
  }

  /**
   * For {@code whenComplete} on a read: records the read as denied when it failed with
   * PERMISSION_DENIED, and nothing otherwise.
   */
  default <T> BiConsumer<T, Throwable> whenDenied(Caller caller, String verb, String fqn) {
    return (result, error) -> {
      if (error != null) {
        Problem p = Problem.of(error, fqn);
        if (p.code() == Problem.Code.PERMISSION_DENIED) {
          deniedRead(caller, verb, fqn, p);
        }
      }
    };
  }
}
