package dev.trestle.management;

/**
 * What a refused write attempted, as the audit log records it: CREATE or UPDATE once the current
 * state was known, DELETE, or APPLY when the attempt failed before (bad document, missing parent,
 * timeout).
 */
public enum WriteOperation {
  APPLY,
  CREATE,
  UPDATE,
  DELETE
}
