package dev.trestle.core;

/** Permissions, as journaled (the protobuf enum stays on the wire). */
public enum Perm {
  READ,
  WRITE,
  CREATE,
  DELETE,
  SET_POLICY
}
