package dev.trestle.telemetry;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code trestle.telemetry.failover.*}: when on, a service whose 5xx ratio in a cluster is at or
 * above {@code errorRatio} over the last {@code window}, with at least {@code minRequests}
 * requests, is reported unhealthy for cross-cluster routing; it turns healthy again below the
 * threshold. Checked every {@code interval}.
 */
public record FailoverSettings(
    boolean enabled, double errorRatio, Duration window, long minRequests, Duration interval) {

  public FailoverSettings {
    if (!(errorRatio > 0 && errorRatio <= 1)) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.error-ratio = " + errorRatio + " must be in (0, 1]");
    }
    if (window.toSeconds() < 60) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.window = " + window + " must be at least 1m");
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.min-requests = " + minRequests + " must be at least 1");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.interval = " + interval + " must be positive");
    }
  }

  static FailoverSettings from(Config f) {
    return new FailoverSettings(
        f.getBoolean("enabled"),
        f.getDouble("error-ratio"),
        f.getDuration("window"),
        f.getLong("min-requests"),
        f.getDuration("interval"));
  }
}
