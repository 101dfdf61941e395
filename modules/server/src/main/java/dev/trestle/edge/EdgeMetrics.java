package dev.trestle.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Edge stream meters: connected edges and what was sent to them. */
public final class EdgeMetrics {
  private final AtomicInteger connected = new AtomicInteger();
  private final Counter snapshots;
  private final Counter deltas;
  private final Counter refused;

  public EdgeMetrics(MeterRegistry registry) {
    registry.gauge("trestle_edges_connected", connected);
    snapshots = Counter.builder("trestle_edge_snapshots_sent").register(registry);
    deltas = Counter.builder("trestle_edge_deltas_sent").register(registry);
    refused = Counter.builder("trestle_edge_connections_refused").register(registry);
  }

  void connected() {
    connected.incrementAndGet();
  }

  void disconnected() {
    connected.decrementAndGet();
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
}
