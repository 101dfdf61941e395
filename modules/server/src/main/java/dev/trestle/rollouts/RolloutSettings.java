package dev.trestle.rollouts;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code trestle.rollouts}: how often the runner steps every rollout. */
public record RolloutSettings(Duration interval) {
  public static RolloutSettings from(Config config) {
    return new RolloutSettings(config.getDuration("trestle.rollouts.interval"));
  }
}
