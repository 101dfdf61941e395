package dev.trestle.clusters;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Heartbeat and journal bounds of cluster entities ({@code trestle.edge.*}, {@code
 * trestle.clusters.*}). {@code maxPendingHeartbeats} bounds the heartbeats one edge session holds
 * while its previous write is being journaled (more are dropped and counted); {@code
 * heartbeatsPerWrite} is how many of them one write may carry (one event each). {@code
 * restartGrace} is how long a cluster's silence does not count after central (re)starts the
 * cluster's entity: never less than one deadline, and longer when edges back off longer than that
 * before they reconnect.
 */
public record ClusterSettings(
    Duration heartbeatInterval,
    int unhealthyAfterMissed,
    int snapshotEvery,
    int keepSnapshots,
    int maxPendingHeartbeats,
    int heartbeatsPerWrite,
    Duration restartGrace) {

  /** The default bound of pending heartbeats (trestle.edge.max-pending-heartbeats). */
  public static final int DEFAULT_MAX_PENDING_HEARTBEATS = 1000;

  public ClusterSettings(
      Duration heartbeatInterval, int unhealthyAfterMissed, int snapshotEvery, int keepSnapshots) {
    this(
        heartbeatInterval,
        unhealthyAfterMissed,
        snapshotEvery,
        keepSnapshots,
        DEFAULT_MAX_PENDING_HEARTBEATS,
        1,
        Duration.ZERO);
  }

  public ClusterSettings {
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("trestle.edge.heartbeat-interval must be positive");
    }
    if (unhealthyAfterMissed < 1) {
      throw new IllegalArgumentException("trestle.edge.unhealthy-after-missed must be at least 1");
    }
    if (snapshotEvery < 1 || keepSnapshots < 1) {
      throw new IllegalArgumentException(
          "trestle.clusters.snapshot-every and keep-snapshots must be at least 1");
    }
    if (maxPendingHeartbeats < 1 || heartbeatsPerWrite < 1) {
      throw new IllegalArgumentException(
          "trestle.edge.max-pending-heartbeats and heartbeats-per-write must be at least 1");
    }
    if (restartGrace.isNegative()) {
      throw new IllegalArgumentException("trestle.edge.restart-grace must not be negative");
    }
  }

  public static ClusterSettings from(Config config) {
    return new ClusterSettings(
        config.getDuration("trestle.edge.heartbeat-interval"),
        config.getInt("trestle.edge.unhealthy-after-missed"),
        config.getInt("trestle.clusters.snapshot-every"),
        config.getInt("trestle.clusters.keep-snapshots"),
        config.getInt("trestle.edge.max-pending-heartbeats"),
        config.getInt("trestle.edge.heartbeats-per-write"),
        config.getDuration("trestle.edge.restart-grace"));
  }

  /** How long a cluster may stay silent before it is marked unhealthy. */
  public Duration unhealthyAfter() {
    return heartbeatInterval.multipliedBy(unhealthyAfterMissed);
  }

  /** How long a silence does not count after the cluster's entity starts: at least a deadline. */
  public Duration graceAfterStart() {
    return restartGrace.compareTo(unhealthyAfter()) > 0 ? restartGrace : unhealthyAfter();
  }
}
