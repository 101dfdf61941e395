package dev.trestle.telemetry;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code trestle.telemetry.failover.*}, read once (conf/trestle.conf documents each key): when
 * central marks a service of a cluster failing for cross-cluster routing by its error ratio
 * (docs/telemetry.md, "Failover by telemetry").
 *
 * @param enabled off by default: telemetry then never changes routing
 * @param errorRatio a service whose 5xx ratio over {@code window} is at least this is marked
 *     failing
 * @param recoverRatio a failing service is healthy again when its ratio is at most this (below
 *     {@code errorRatio}: between the two nothing changes, so a ratio hovering at the threshold
 *     does not flap)
 * @param minRequests fewer requests in {@code window} decide nothing (no traffic, no telemetry, or
 *     too little to judge: the service keeps its state)
 * @param window how far back the ratio is computed (whole minutes, the current one included)
 * @param interval how often it is evaluated
 */
public record FailoverSettings(
    boolean enabled,
    double errorRatio,
    double recoverRatio,
    long minRequests,
    Duration window,
    Duration interval) {

  public FailoverSettings {
    if (!(errorRatio > 0 && errorRatio <= 1)) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.error-ratio = " + errorRatio + " must be in (0, 1]");
    }
    if (!(recoverRatio >= 0 && recoverRatio < errorRatio)) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.recover-ratio = "
              + recoverRatio
              + " must be at least 0 and below error-ratio ("
              + errorRatio
              + ")");
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.min-requests = " + minRequests + " must be at least 1");
    }
    if (window.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.window = " + window + " must be at least 1m");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "trestle.telemetry.failover.interval = " + interval + " must be positive");
    }
  }

  public static FailoverSettings from(Config config) {
    Config f = config.getConfig("trestle.telemetry.failover");
    return new FailoverSettings(
        f.getBoolean("enabled"),
        f.getDouble("error-ratio"),
        f.getDouble("recover-ratio"),
        f.getLong("min-requests"),
        f.getDuration("window"),
        f.getDuration("interval"));
  }

  /** What the ratio of {@code errors} 5xx in {@code requests} says about a service. */
  enum Verdict {
    FAILING,
    HEALTHY,
    /** Too few requests, or a ratio between the two thresholds: keep what it is. */
    KEEP
  }

  Verdict judge(long requests, long errors) {
    if (requests < minRequests) {
      return Verdict.KEEP;
    }
    double ratio = (double) errors / requests;
    if (ratio >= errorRatio) {
      return Verdict.FAILING;
    }
    return ratio <= recoverRatio ? Verdict.HEALTHY : Verdict.KEEP;
  }
}
