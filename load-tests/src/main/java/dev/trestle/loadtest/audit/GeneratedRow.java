package dev.trestle.loadtest.audit;

/** One row for {@code trestle_audit_log}, shaped like the ones the server writes. */
record GeneratedRow(
    long timeMicros,
    String principal,
    String operation,
    String outcome,
    String kind,
    String fqn,
    long version,
    String requestId,
    String message,
    String changesJson,
    String sourcePid,
    long sourceSeq) {

  boolean refused() {
    return "REFUSED".equals(outcome);
  }
}
