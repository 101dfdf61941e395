package dev.trestle.clusters;

import dev.trestle.protocol.v1.ClusterResourceStatus;
import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.SyncState;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Works out a resource's sync status from where its versions were placed and what each cluster's
 * edge acknowledged: per cluster APPLIED when the acked version covers the placement, FAILED when a
 * NACKed version covers it and nothing newer was acked, else PENDING; a parent aggregates the
 * resources below it, worst wins. A pure function, tested on its own.
 */
public final class ResourceSyncStatus {
  private ResourceSyncStatus() {}

  private static final List<SyncState> WORST_FIRST =
      List.of(
          SyncState.SYNC_FAILED,
          SyncState.SYNC_PENDING,
          SyncState.SYNC_APPLIED,
          SyncState.SYNC_ACCEPTED);

  /**
   * @param fqn the resource asked about
   * @param resourceVersion its current version
   * @param placements placements of it and of everything below it (any versions)
   * @param clusters the state of each cluster named in the placements
   */
  public static ResourceStatus of(
      String fqn,
      long resourceVersion,
      List<Placements.Placement> placements,
      Map<String, ClusterState> clusters) {
    // The newest placed version of each (cluster, resource).
    Map<String, Map<String, Placements.Placement>> newest = new TreeMap<>();
    for (var p : placements) {
      newest
          .computeIfAbsent(p.cluster(), c -> new TreeMap<>())
          .merge(p.fqn(), p, (a, b) -> a.resourceVersion() >= b.resourceVersion() ? a : b);
    }
    var out = ResourceStatus.newBuilder().setFqn(fqn).setResourceVersion(resourceVersion);
    SyncState overall = SyncState.SYNC_ACCEPTED;
    for (var entry : newest.entrySet()) {
      ClusterState cluster = clusters.getOrDefault(entry.getKey(), ClusterState.empty());
      var counts = new EnumMap<SyncState, Integer>(SyncState.class);
      SyncState worst = SyncState.SYNC_ACCEPTED;
      long desired = 0;
      String reason = "";
      for (var p : entry.getValue().values()) {
        boolean self = p.fqn().equals(fqn);
        SyncState state;
        if (self && p.resourceVersion() < resourceVersion) {
          // The newest version is stored but not yet translated for this cluster.
          state = SyncState.SYNC_PENDING;
        } else {
          state = stateOf(p.clusterVersion(), cluster);
        }
        if (self || desired == 0) {
          desired = Math.max(desired, p.clusterVersion());
        }
        counts.merge(state, 1, Integer::sum);
        if (rank(state) < rank(worst)) {
          worst = state;
        }
        if (state == SyncState.SYNC_FAILED) {
          reason = cluster.failedReason();
        }
      }
      var row =
          ClusterResourceStatus.newBuilder()
              .setCluster(entry.getKey())
              .setState(worst)
              .setDesiredVersion(desired)
              .setAppliedVersion(cluster.appliedVersion())
              .setReason(
                  reason.isEmpty() && worst == SyncState.SYNC_PENDING
                      ? pendingReason(cluster)
                      : reason);
      counts.forEach((k, v) -> row.putCounts(k.name().substring("SYNC_".length()), v));
      out.addClusters(row);
      if (rank(worst) < rank(overall)) {
        overall = worst;
      }
    }
    return out.setState(overall).build();
  }

  static SyncState stateOf(long clusterVersion, ClusterState cluster) {
    if (cluster.appliedVersion() >= clusterVersion) {
      return SyncState.SYNC_APPLIED;
    }
    if (cluster.failedVersion() >= clusterVersion) {
      return SyncState.SYNC_FAILED;
    }
    return SyncState.SYNC_PENDING;
  }

  private static String pendingReason(ClusterState cluster) {
    if (!cluster.connected()) {
      return "edge not connected";
    }
    return cluster.health() == ClusterHealthState.UNHEALTHY ? "cluster unhealthy" : "";
  }

  private static int rank(SyncState s) {
    int i = WORST_FIRST.indexOf(s);
    return i < 0 ? WORST_FIRST.size() : i;
  }
}
