package dev.trestle.api;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.clusters.ClusterHealthState;
import dev.trestle.clusters.ClusterOperations;
import dev.trestle.clusters.ClusterState;
import dev.trestle.clusters.IstioSkew;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.v1.ClusterHealth;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.IssueJoinTokenResponse;
import dev.trestle.protocol.v1.JoinTokenInfo;
import dev.trestle.protocol.v1.ListClustersResponse;

/** Cluster entity state as API messages. Token hashes never leave the entity. */
final class ClusterViews {
  private ClusterViews() {}

  /** A page of clusters; total and next token always set (so REST shows them even when 0/""). */
  static ListClustersResponse.Builder page(ClusterOperations.Page page) {
    var out =
        ListClustersResponse.newBuilder()
            .setNextPageToken(page.nextPageToken())
            .setTotalSize(page.total());
    page.items().forEach(v -> out.addClusters(info(v)));
    return out;
  }

  static ClusterInfo info(ClusterOperations.ClusterView view) {
    ClusterState s = view.state();
    var out =
        ClusterInfo.newBuilder()
            .setFqn(view.fqn())
            .setName(Fqn.parse(view.fqn()).name())
            .setHealth(health(s.health()))
            .setConnected(s.connected())
            .setAgentVersion(s.agentVersion())
            .setDesiredVersion(view.desiredVersion())
            .setAppliedVersion(s.appliedVersion())
            .setFailedVersion(s.failedVersion())
            .setFailedReason(s.failedReason())
            .setInventory(s.inventory().toProto());
    out.addAllIstioWarnings(IstioSkew.warnings(out.getInventory().getIstio()));
    if (s.lastHeartbeat() != null) {
      out.setLastHeartbeat(AuditViews.timestamp(s.lastHeartbeat()));
    }
    if (s.sessionConflictAt() != null) {
      out.setSessionConflictAt(AuditViews.timestamp(s.sessionConflictAt()))
          .setSessionConflict(s.sessionConflict());
    }
    s.xdsRejections().forEach(r -> out.addXdsRejections(r.toProto()));
    s.tokens().values().stream()
        .sorted((a, b) -> a.issuedAt().compareTo(b.issuedAt()))
        .forEach(
            t -> {
              var info =
                  JoinTokenInfo.newBuilder()
                      .setId(t.id())
                      .setIssuedAt(AuditViews.timestamp(t.issuedAt()))
                      .setIssuedBy(t.issuedBy())
                      .setSingleUse(t.singleUse());
              if (t.expiresAt() != null) {
                info.setExpireTime(AuditViews.timestamp(t.expiresAt()));
              }
              out.addJoinTokens(info);
            });
    return out.build();
  }

  /** The answer to a minted join token (gRPC and REST): its text, once. */
  static IssueJoinTokenResponse.Builder issued(ClusterEntity.TokenIssued t) {
    var out =
        IssueJoinTokenResponse.newBuilder()
            .setCluster(t.cluster())
            .setTokenId(t.token().tokenId())
            .setToken(t.token().text())
            .addAllRevokedTokenIds(t.revokedTokenIds())
            .setSingleUse(t.singleUse());
    if (t.expiresAt() != null) {
      out.setExpireTime(AuditViews.timestamp(t.expiresAt()));
    }
    return out;
  }

  static ClusterHealth health(ClusterHealthState s) {
    return switch (s) {
      case UNKNOWN -> ClusterHealth.CLUSTER_UNKNOWN;
      case HEALTHY -> ClusterHealth.CLUSTER_HEALTHY;
      case UNHEALTHY -> ClusterHealth.CLUSTER_UNHEALTHY;
    };
  }
}
