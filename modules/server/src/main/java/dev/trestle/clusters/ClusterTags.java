package dev.trestle.clusters;

import dev.trestle.core.ConfigTags;
import java.util.Set;

/**
 * Tags of cluster events. Heartbeats carry none: nothing projects them, and their volume must not
 * slow the projections. Everything else shares the audit slices of configuration events; an
 * inventory change also feeds the desired-state projection.
 */
public final class ClusterTags {
  private ClusterTags() {}

  public static Set<String> tagsFor(ClusterEvent event) {
    if (event instanceof ClusterEvent.HeartbeatReceived) {
      return Set.of();
    }
    String slice = ConfigTags.tagFor(event.cluster());
    // Health is desired-state input too (failover, docs/multicluster.md). The entity persists an
    // inventory change before the health change of the same command, so a reconnecting cluster
    // is published with its new inventory, never its stale one.
    if (event instanceof ClusterEvent.InventoryChanged
        || event instanceof ClusterEvent.HealthChanged
        || event instanceof ClusterEvent.ServiceFailingChanged) {
      return Set.of(slice, ConfigTags.DESIRED_STATE);
    }
    return Set.of(slice);
  }
}
