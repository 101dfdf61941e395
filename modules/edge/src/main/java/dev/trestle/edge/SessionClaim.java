package dev.trestle.edge;

import io.grpc.Status;
import java.util.UUID;

/**
 * This agent's claim on its cluster's one session at central. Every Hello names the agent process
 * (a random instance id, the same on each reconnect, so central lets it resume its own session),
 * and only the first Hello may ask for a takeover ({@code --takeover}): an agent that was replaced
 * or refused because another agent holds the cluster never takes it back by force, so two agents
 * with one token cannot swap the session back and forth.
 */
final class SessionClaim {
  private final String instance = UUID.randomUUID().toString();
  private boolean takeover;

  SessionClaim(boolean takeover) {
    this.takeover = takeover;
  }

  String instance() {
    return instance;
  }

  /** Whether this Hello asks for a takeover: true at most once, on the first connect. */
  boolean takeoverNow() {
    boolean now = takeover;
    takeover = false;
    return now;
  }

  /**
   * Whether a stream ended because another agent holds the cluster: central refused this one
   * (FAILED_PRECONDITION) or replaced its session with another agent's (ABORTED).
   */
  static boolean heldByAnother(Status status) {
    return status != null
        && (status.getCode() == Status.Code.FAILED_PRECONDITION
            || status.getCode() == Status.Code.ABORTED);
  }
}
