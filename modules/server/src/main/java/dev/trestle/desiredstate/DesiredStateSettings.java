package dev.trestle.desiredstate;

import com.typesafe.config.Config;
import dev.trestle.translator.MeshCatalog.Reachability;
import java.time.Duration;

/**
 * The desired-state keys ({@code trestle.desired-state.*}, {@code trestle.multicluster.*}), read
 * once.
 *
 * @param deltaHistory how many versions of change rows each cluster keeps: an edge more than this
 *     many versions behind gets a full snapshot instead of a delta
 * @param reachability which remote clusters a cluster gets cross-cluster routes to ({@code
 *     trestle.multicluster.reachability}: all, same-network, none; docs/multicluster.md)
 * @param batchMax at most this many journal events are projected in one transaction
 * @param batchWithin how long the projection waits for more events before it projects what it has
 */
public record DesiredStateSettings(
    int deltaHistory, Reachability reachability, int batchMax, Duration batchWithin) {
  static final int DEFAULT_BATCH_MAX = 500;
  static final Duration DEFAULT_BATCH_WITHIN = Duration.ofMillis(10);

  public DesiredStateSettings {
    if (deltaHistory < 1) {
      throw new IllegalArgumentException(
          "trestle.desired-state.delta-history = " + deltaHistory + " must be at least 1");
    }
    if (reachability == null) {
      reachability = Reachability.ALL;
    }
    if (batchMax < 1) {
      throw new IllegalArgumentException(
          "trestle.desired-state.batch-max = " + batchMax + " must be at least 1");
    }
    if (batchWithin.isNegative() || batchWithin.isZero()) {
      throw new IllegalArgumentException(
          "trestle.desired-state.batch-within = " + batchWithin + " must be positive");
    }
  }

  public DesiredStateSettings(int deltaHistory, Reachability reachability) {
    this(deltaHistory, reachability, DEFAULT_BATCH_MAX, DEFAULT_BATCH_WITHIN);
  }

  public DesiredStateSettings(int deltaHistory) {
    this(deltaHistory, Reachability.ALL);
  }

  public static DesiredStateSettings from(Config config) {
    String key = "trestle.multicluster.reachability";
    return new DesiredStateSettings(
        config.getInt("trestle.desired-state.delta-history"),
        Reachability.parse(config.hasPath(key) ? config.getString(key) : "all"),
        config.getInt("trestle.desired-state.batch-max"),
        config.getDuration("trestle.desired-state.batch-within"));
  }
}
