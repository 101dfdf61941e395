package dev.trestle.clusters;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.trestle.core.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything central knows about one cluster, rebuilt from its events. {@code sessionId} is empty
 * while no edge is connected; {@code sessionConflict} is the last refusal of a second agent while
 * another held the cluster's live session (empty when none), at {@code sessionConflictAt}; {@code
 * xdsRejections} are the xDS NACKs that still stood at the edge's last heartbeat (empty when none).
 */
public record ClusterState(
    Map<String, JoinToken> tokens,
    String sessionId,
    String sessionTokenId,
    String agentVersion,
    Instant lastHeartbeat,
    long heartbeats,
    ClusterHealthState health,
    InventorySnapshot inventory,
    long appliedVersion,
    String appliedHash,
    long failedVersion,
    String failedReason,
    List<ClusterEvent.ObjectFailure> failures,
    String sessionConflict,
    Instant sessionConflictAt,
    List<StandingXdsRejection> xdsRejections)
    implements CborSerializable {

  /** A join token as stored: its id, the SHA-256 of its secret, and who minted it when. */
  public record JoinToken(String id, String secretSha256, Instant issuedAt, String issuedBy)
      implements CborSerializable {}

  public ClusterState {
    tokens = Map.copyOf(tokens);
    failures = List.copyOf(failures);
    // absent in snapshots written before the field existed
    sessionConflict = sessionConflict == null ? "" : sessionConflict;
    xdsRejections = xdsRejections == null ? List.of() : List.copyOf(xdsRejections);
  }

  public static ClusterState empty() {
    return new ClusterState(
        Map.of(),
        "",
        "",
        "",
        null,
        0,
        ClusterHealthState.UNKNOWN,
        InventorySnapshot.empty(),
        0,
        "",
        0,
        "",
        List.of(),
        "",
        null,
        List.of());
  }

  @JsonIgnore
  public boolean connected() {
    return !sessionId.isEmpty();
  }

  ClusterState apply(ClusterEvent event) {
    if (event instanceof ClusterEvent.JoinTokenIssued e) {
      var next = new TreeMap<>(tokens);
      next.put(e.tokenId(), new JoinToken(e.tokenId(), e.secretSha256(), e.at(), e.principal()));
      return withTokens(next);
    }
    if (event instanceof ClusterEvent.JoinTokenRevoked e) {
      var next = new TreeMap<>(tokens);
      next.remove(e.tokenId());
      return withTokens(next);
    }
    if (event instanceof ClusterEvent.EdgeConnected e) {
      return new ClusterState(
          tokens,
          e.sessionId(),
          e.tokenId(),
          e.agentVersion(),
          e.at(),
          heartbeats,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.EdgeDisconnected e) {
      if (!e.sessionId().equals(sessionId)) {
        return this;
      }
      return new ClusterState(
          tokens,
          "",
          "",
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.HeartbeatReceived e) {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          e.at(),
          heartbeats + 1,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.InventoryChanged e) {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          e.inventory(),
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.HealthChanged e) {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          e.to(),
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.VersionAcked e) {
      boolean clearsFailure = e.version() >= failedVersion;
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          inventory,
          e.version(),
          e.setHash(),
          clearsFailure ? 0 : failedVersion,
          clearsFailure ? "" : failedReason,
          clearsFailure ? List.of() : failures,
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.VersionNacked e) {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          e.version(),
          e.reason(),
          e.failures(),
          sessionConflict,
          sessionConflictAt,
          xdsRejections);
    }
    if (event instanceof ClusterEvent.SessionConflict e) {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          e.detail(),
          e.at(),
          xdsRejections);
    }
    if (event instanceof ClusterEvent.XdsRejectionsChanged e) {
      return new ClusterState(
          tokens,
          sessionId,
          sessionTokenId,
          agentVersion,
          lastHeartbeat,
          heartbeats,
          health,
          inventory,
          appliedVersion,
          appliedHash,
          failedVersion,
          failedReason,
          failures,
          sessionConflict,
          sessionConflictAt,
          e.rejections());
    }
    if (event instanceof ClusterEvent.ServiceHealthChanged) {
      return this; // an audit record; the inventory itself came with InventoryChanged
    }
    throw new IllegalArgumentException("unknown cluster event " + event.getClass().getName());
  }

  private ClusterState withTokens(Map<String, JoinToken> next) {
    return new ClusterState(
        next,
        sessionId,
        sessionTokenId,
        agentVersion,
        lastHeartbeat,
        heartbeats,
        health,
        inventory,
        appliedVersion,
        appliedHash,
        failedVersion,
        failedReason,
        failures,
        sessionConflict,
        sessionConflictAt,
        xdsRejections);
  }
}
