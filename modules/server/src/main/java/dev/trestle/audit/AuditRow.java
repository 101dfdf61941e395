package dev.trestle.audit;

/** One audit row as stored: an accepted change or a refused attempt. */
public record AuditRow(
    long id,
    long timeMicros,
    String principal,
    String operation,
    String outcome,
    String kind,
    String fqn,
    long version,
    String requestId,
    String message,
    String changesJson) {

  public static final String ACCEPTED = "ACCEPTED";
  public static final String REFUSED = "REFUSED";
}
