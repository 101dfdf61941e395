package dev.trestle.core;

/** Where refused attempts are recorded (the audit log); never sees the refused payload. */
public interface RefusalLog {
  RefusalLog NONE = (caller, operation, kind, fqn, problem) -> {};

  /** {@code operation}: CREATE, UPDATE, DELETE, or APPLY when the target state is unknown. */
  void refused(Caller caller, String operation, String kind, String fqn, Problem problem);
}
