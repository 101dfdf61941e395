package dev.trestle.loadtest.audit;

/**
 * The filtered queries the scenario measures; each is followed by its next page when it has one.
 * FLOOR finds nothing through an index lookup, so its latency is what every call costs anyway.
 */
enum AuditQueryShape {
  SUBTREE_SINCE(
      "subtree+since", "resource = a tenant or workspace, recursive, since = 1, 7 or 30 days ago"),
  PRINCIPAL("principal", "principal = one of the 50 principals"),
  KIND_OPERATION(
      "kind+operation", "kind = one of the 9 kinds, operation = CREATE, UPDATE or DELETE"),
  REFUSED("refused", "outcome = REFUSED"),
  TEXT("text", "text = a word or phrase of the message (case-insensitive substring)"),
  FLOOR(
      "floor", "resource = an FQN without rows, exact: no rows to read, the fixed cost of a call");

  private final String label;
  private final String description;

  AuditQueryShape(String label, String description) {
    this.label = label;
    this.description = description;
  }

  String label() {
    return label;
  }

  String description() {
    return description;
  }
}
