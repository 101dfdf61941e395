package dev.trestle.edgesync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connected cluster's gauges ({@code trestle_cluster_desired_version}, {@code
 * trestle_cluster_applied_version} and {@code trestle_cluster_xds_rejections}, label {@code
 * cluster}) and the commit times of the versions its edge has not ACKed yet, for the propagation
 * histogram. Owned by the cluster's current session on this node; its calls come from that
 * session's actor, one at a time.
 */
final class ClusterVersionMeters {
  /** Bounds memory when an edge stops ACKing while versions keep coming. */
  private static final int MAX_PENDING = 10_000;

  private final AtomicLong desired = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong xdsRejections = new AtomicLong();
  private final NavigableMap<Long, Long> committedAtNanos = new TreeMap<>();
  private final List<Meter> gauges;
  private volatile String sessionId;

  ClusterVersionMeters(MeterRegistry registry, String cluster, String sessionId) {
    this.sessionId = sessionId;
    this.gauges =
        List.of(
            Gauge.builder("trestle.cluster.desired.version", desired, AtomicLong::get)
                .description(
                    "Newest desired-state version of the cluster known to the node holding its edge"
                        + " stream")
                .tag("cluster", cluster)
                .strongReference(true)
                .register(registry),
            Gauge.builder("trestle.cluster.applied.version", applied, AtomicLong::get)
                .description(
                    "Newest desired-state version the cluster's edge ACKed (or kept, after a NACK)")
                .tag("cluster", cluster)
                .strongReference(true)
                .register(registry),
            Gauge.builder("trestle.cluster.xds.rejections", xdsRejections, AtomicLong::get)
                .description(
                    "xDS NACKs standing at the cluster's edge (clients that rejected a response"
                        + " and have not ACKed that type since), as of its last heartbeat")
                .tag("cluster", cluster)
                .strongReference(true)
                .register(registry));
  }

  String sessionId() {
    return sessionId;
  }

  /**
   * A newer session of the same cluster takes the meters over; it starts from what its edge has.
   */
  synchronized void takeOver(String sessionId, long appliedVersion) {
    this.sessionId = sessionId;
    applied.set(appliedVersion);
    committedAtNanos.clear();
  }

  /**
   * A version is known; {@code justCommitted} when it was committed just now (timed to its ACK).
   */
  synchronized void desired(long version, boolean justCommitted, long nowNanos) {
    desired.accumulateAndGet(version, Math::max);
    if (justCommitted && version > applied.get()) {
      committedAtNanos.putIfAbsent(version, nowNanos);
      while (committedAtNanos.size() > MAX_PENDING) {
        committedAtNanos.pollFirstEntry();
      }
    }
  }

  /** The edge ACKed {@code version}: each timed version up to it has propagated. */
  synchronized void acked(long version, long nowNanos, Timer propagation) {
    applied.accumulateAndGet(version, Math::max);
    var done = committedAtNanos.headMap(version, true);
    done.values().forEach(t -> propagation.record(nowNanos - t, TimeUnit.NANOSECONDS));
    done.clear();
  }

  /** The edge's last heartbeat reported {@code standing} xDS NACKs. */
  void xdsRejections(int standing) {
    xdsRejections.set(standing);
  }

  /** The edge NACKed and kept {@code keptVersion}. */
  synchronized void kept(long keptVersion) {
    applied.set(keptVersion);
  }

  void remove(MeterRegistry registry) {
    gauges.forEach(registry::remove);
  }
}
