package dev.trestle.audit;

import dev.trestle.clusters.ClusterEvent;

/**
 * Audit rows of cluster events. Edges act as their cluster ({@code edge:<cluster FQN>}); token
 * changes are the operator's. Heartbeats, inventory reports and ACKs are not audited: they are
 * state reports, visible in `trestle clusters` and `trestle status`.
 */
final class ClusterAuditRows {
  private ClusterAuditRows() {}

  static AuditRow rowOf(ClusterEvent event) {
    String edge = "edge:" + event.cluster();
    if (event instanceof ClusterEvent.JoinTokenIssued e) {
      return row(
          e,
          e.principal(),
          "UPDATE",
          0,
          e.requestId(),
          "join token "
              + e.tokenId()
              + " issued"
              + (e.singleUse() ? " (single-use)" : "")
              + (e.expiresAt() == null ? "" : ", expires at " + e.expiresAt()));
    }
    if (event instanceof ClusterEvent.JoinTokenRevoked e) {
      return row(
          e, e.principal(), "UPDATE", 0, e.requestId(), "join token " + e.tokenId() + " revoked");
    }
    if (event instanceof ClusterEvent.EdgeConnected e) {
      return row(
          e,
          edge,
          "EDGE_CONNECT",
          e.lastAppliedVersion(),
          e.sessionId(),
          "edge connected (agent "
              + e.agentVersion()
              + ", token "
              + e.tokenId()
              + ", has version "
              + e.lastAppliedVersion()
              + ")");
    }
    if (event instanceof ClusterEvent.EdgeDisconnected e) {
      return row(e, edge, "EDGE_DISCONNECT", 0, e.sessionId(), "edge disconnected: " + e.reason());
    }
    if (event instanceof ClusterEvent.HealthChanged e) {
      return row(
          e, "system", "HEALTH", 0, "", "health " + e.from() + " -> " + e.to() + ": " + e.reason());
    }
    if (event instanceof ClusterEvent.ServiceHealthChanged e) {
      return row(
          e,
          edge,
          "SERVICE_HEALTH",
          0,
          "",
          "service "
              + e.service()
              + ": healthy endpoints "
              + e.healthyBefore()
              + " -> "
              + e.healthyAfter()
              + (e.healthyAfter() == 0 ? " (no healthy endpoints)" : " (healthy again)"));
    }
    if (event instanceof ClusterEvent.ServiceFailingChanged e) {
      return row(
          e,
          "system:telemetry",
          "SERVICE_HEALTH",
          0,
          "",
          "service "
              + e.service()
              + (e.failing()
                  ? ": failing by error ratio, withdrawn from cross-cluster routing ("
                  : ": error ratio recovered, routable again (")
              + e.reason()
              + ")");
    }
    if (event instanceof ClusterEvent.VersionNacked e) {
      StringBuilder message =
          new StringBuilder("version ")
              .append(e.version())
              .append(" refused, keeps ")
              .append(e.keptVersion())
              .append(": ")
              .append(e.reason());
      return row(e, edge, "NACK", e.version(), "", message.toString());
    }
    return null;
  }

  private static AuditRow row(
      ClusterEvent e,
      String principal,
      String operation,
      long version,
      String requestId,
      String message) {
    return new AuditRow(
        0,
        AuditProjectionHandler.micros(e.at()),
        principal,
        operation,
        AuditRow.ACCEPTED,
        "Cluster",
        e.cluster(),
        version,
        requestId,
        message.length() > 2000 ? message.substring(0, 2000) + "…" : message,
        null);
  }
}
