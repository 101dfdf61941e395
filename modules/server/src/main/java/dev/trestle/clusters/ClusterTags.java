package dev.trestle.clusters;

import dev.trestle.management.ConfigTags;
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
    if (event instanceof ClusterEvent.InventoryChanged) {
      return Set.of(slice, ConfigTags.DESIRED_STATE);
    }
    return Set.of(slice);
  }
}
