package dev.trestle.edge;

import dev.trestle.protocol.v1.Nack;

/** What became of one snapshot or delta from central. */
public sealed interface Outcome {
  /** Applied and persisted (or already running): ACK {@code state.version()}. */
  record Applied(AppliedState state, int written, int deleted, boolean unchanged)
      implements Outcome {}

  /** Not applicable: NACK, the previous state stays. */
  record Rejected(Nack nack) implements Outcome {}

  /** A delta from another version than the edge's: not applied; reconnect for a snapshot. */
  record OutOfSync(String why) implements Outcome {}
}
