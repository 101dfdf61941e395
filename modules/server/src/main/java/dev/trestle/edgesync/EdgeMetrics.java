package dev.trestle.edgesync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Edge stream meters of this node: connected edges, what was sent to them, each connected cluster's
 * desired and applied versions, and how long a committed desired-state version takes to be ACKed by
 * the edge ({@code trestle_edge_propagation_seconds}: from the moment this node learns the
 * version's commit, just after the desired-state projection committed it, to the edge's ACK of that
 * version or a later one; only versions committed while the edge is connected here).
 */
public final class EdgeMetrics {
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;
  private final LongSupplier nanoTime;
  private final AtomicInteger connected = new AtomicInteger();
  private final Counter snapshots;
  private final Counter deltas;
  private final Counter refused;
  private final Counter sessionConflicts;
  private final Counter heartbeatsDropped;
  private final Timer propagation;
  private final Map<String, ClusterVersionMeters> clusters = new ConcurrentHashMap<>();

  public EdgeMetrics(MeterRegistry registry) {
    this(registry, System::nanoTime);
  }

  EdgeMetrics(MeterRegistry registry, LongSupplier nanoTime) {
    this.registry = registry;
    this.nanoTime = nanoTime;
    registry.gauge("trestle_edges_connected", connected);
    snapshots = Counter.builder("trestle_edge_snapshots_sent").register(registry);
    deltas = Counter.builder("trestle_edge_deltas_sent").register(registry);
    refused = Counter.builder("trestle_edge_connections_refused").register(registry);
    sessionConflicts =
        Counter.builder("trestle_edge_session_conflicts")
            .description(
                "Connects refused because another agent held the cluster's live session (two"
                    + " agents for one cluster)")
            .register(registry);
    heartbeatsDropped =
        Counter.builder("trestle_edge_heartbeats_dropped")
            .description(
                "Heartbeats dropped because their session already held max-pending-heartbeats")
            .register(registry);
    propagation =
        Timer.builder("trestle.edge.propagation")
            .description("From a desired-state version's commit to its edge's ACK of it")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  void sessionConflict() {
    sessionConflicts.increment();
  }

  void connected(String cluster, String sessionId, long appliedVersion) {
    connected.incrementAndGet();
    // Inside compute: a replaced session's concurrent disconnect must see the new owner.
    clusters.compute(
        cluster,
        (k, m) -> {
          var meters = m != null ? m : new ClusterVersionMeters(registry, cluster, sessionId);
          meters.takeOver(sessionId, appliedVersion);
          return meters;
        });
  }

  void disconnected(String cluster, String sessionId) {
    connected.decrementAndGet();
    // A replaced session ends after its successor started: leave the successor's meters alone.
    clusters.computeIfPresent(
        cluster,
        (k, m) -> {
          if (!m.sessionId().equals(sessionId)) {
            return m;
          }
          m.remove(registry);
          return null;
        });
  }

  void desired(String cluster, long version, boolean justCommitted) {
    var m = clusters.get(cluster);
    if (m != null) {
      m.desired(version, justCommitted, nanoTime.getAsLong());
    }
  }

  void acked(String cluster, long version) {
    var m = clusters.get(cluster);
    if (m != null) {
      m.acked(version, nanoTime.getAsLong(), propagation);
    }
  }

  void xdsRejections(String cluster, int standing) {
    var m = clusters.get(cluster);
    if (m != null) {
      m.xdsRejections(standing);
    }
  }

  void kept(String cluster, long keptVersion) {
    var m = clusters.get(cluster);
    if (m != null) {
      m.kept(keptVersion);
    }
  }

  void snapshotSent() {
    snapshots.increment();
  }

  void deltaSent() {
    deltas.increment();
  }

  void refused() {
    refused.increment();
  }

  void heartbeatDropped() {
    heartbeatsDropped.increment();
  }
}
