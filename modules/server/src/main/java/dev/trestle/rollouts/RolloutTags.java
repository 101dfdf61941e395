package dev.trestle.rollouts;

import dev.trestle.core.ConfigTags;
import java.util.Set;

/**
 * Tags of rollout events: every one is in its FQN's audit slice; those that change the namespace
 * labels the edges must set also feed the desired-state projection, on its one tag, so they reach
 * the edges in the order they were decided.
 */
public final class RolloutTags {
  private RolloutTags() {}

  public static Set<String> tagsFor(RolloutEvent event) {
    String slice = ConfigTags.tagFor(event.rollout());
    if (event instanceof RolloutEvent.StageStarted || event instanceof RolloutEvent.StageFailed) {
      return Set.of(slice, ConfigTags.DESIRED_STATE);
    }
    return Set.of(slice);
  }
}
