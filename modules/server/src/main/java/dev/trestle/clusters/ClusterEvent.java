package dev.trestle.clusters;

import dev.trestle.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What happens to a cluster, as journaled by its {@code ClusterEntity}. Every heartbeat is an event
 * (bounded by snapshots plus deletion of old events, see ClusterEntity's retention); the others are
 * tagged for the audit log, and inventory changes also for the desired-state projection (see {@link
 * ClusterTags}).
 */
public sealed interface ClusterEvent extends CborSerializable {
  /** The cluster's FQN, {@code organizations/ORG/clusters/NAME}. */
  String cluster();

  Instant at();

  /**
   * A join token was minted; only the SHA-256 of its secret is kept. {@code expiresAt} null: no
   * expiry (and in events written before expiry existed); {@code singleUse}: a bootstrap token,
   * consumed by the first admitted connect.
   */
  record JoinTokenIssued(
      String cluster,
      String tokenId,
      String secretSha256,
      String principal,
      String requestId,
      Instant at,
      Instant expiresAt,
      boolean singleUse)
      implements ClusterEvent {}

  record JoinTokenRevoked(
      String cluster, String tokenId, String principal, String requestId, Instant at)
      implements ClusterEvent {}

  record EdgeConnected(
      String cluster,
      String sessionId,
      String tokenId,
      String agentVersion,
      long lastAppliedVersion,
      Instant at)
      implements ClusterEvent {}

  record EdgeDisconnected(String cluster, String sessionId, String reason, Instant at)
      implements ClusterEvent {}

  record HeartbeatReceived(String cluster, String sessionId, Instant sentAt, Instant at)
      implements ClusterEvent {}

  /** The edge reported an inventory different from the last one. */
  record InventoryChanged(String cluster, InventorySnapshot inventory, Instant at)
      implements ClusterEvent {}

  /**
   * A service of the cluster's inventory went to zero healthy endpoints or back above zero
   * (journaled right after the InventoryChanged that carries it). For the audit log only: the
   * desired-state projection reads the inventory. See docs/multicluster.md.
   */
  record ServiceHealthChanged(
      String cluster, String service, int healthyBefore, int healthyAfter, Instant at)
      implements ClusterEvent {}

  /**
   * Central's telemetry marked a service of the cluster failing (its 5xx ratio crossed {@code
   * trestle.telemetry.failover.error-ratio}) or healthy again (at or below {@code recover-ratio}):
   * while failing, other clusters do not route to this cluster's instance of it (audited as
   * SERVICE_HEALTH; desired-state input). See docs/telemetry.md, "Failover by telemetry".
   *
   * @param service {@code namespace/name}
   * @param errorRatio the 5xx ratio that decided it, over {@code requests} requests
   */
  record ServiceFailingChanged(
      String cluster,
      String service,
      boolean failing,
      double errorRatio,
      long requests,
      String reason,
      Instant at)
      implements ClusterEvent {}

  record HealthChanged(
      String cluster, ClusterHealthState from, ClusterHealthState to, String reason, Instant at)
      implements ClusterEvent {}

  record VersionAcked(String cluster, long version, String setHash, Instant at)
      implements ClusterEvent {}

  record VersionNacked(
      String cluster,
      long version,
      String reason,
      List<ObjectFailure> failures,
      long keptVersion,
      Instant at)
      implements ClusterEvent {
    public VersionNacked {
      failures = List.copyOf(failures);
    }
  }

  /**
   * A second agent presented a valid join token while another agent held the cluster's live
   * session, without asking to take it over, and was refused (docs/edges.md, "One agent per
   * cluster").
   */
  record SessionConflict(String cluster, String detail, Instant at) implements ClusterEvent {}

  /**
   * The xDS NACKs standing at the cluster's edge changed (journaled only on change, with the
   * heartbeat that reported it); empty {@code rejections}: none stands any more.
   */
  record XdsRejectionsChanged(String cluster, List<StandingXdsRejection> rejections, Instant at)
      implements ClusterEvent {
    public XdsRejectionsChanged {
      rejections = rejections == null ? List.of() : List.copyOf(rejections);
    }
  }

  /** One object an edge could not apply: {@code key} is "Kind namespace/name". */
  record ObjectFailure(String key, String message) implements CborSerializable {}
}
