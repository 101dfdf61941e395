package dev.trestle.telemetry;

import dev.trestle.protocol.v1.TopologyEdge;
import dev.trestle.protocol.v1.TopologyNode;
import dev.trestle.protocol.v1.TopologyResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * Nodes and edges of a topology as rows are added: one edge per (source node, destination node),
 * its sums merged (calls collapsed onto "unknown" add up). Sorted output, so the same rows give the
 * same answer.
 */
final class TopologyGraph {
  private final long seconds;
  private final Map<String, Endpoint> nodes = new TreeMap<>();
  private final Map<String, Edge> edges = new TreeMap<>();

  private record Edge(Endpoint source, Endpoint destination, TrafficSum sum) {}

  TopologyGraph(long seconds) {
    this.seconds = seconds;
  }

  void add(Endpoint source, Endpoint destination, TelemetryStore.Row row) {
    nodes.putIfAbsent(source.id(), source);
    nodes.putIfAbsent(destination.id(), destination);
    edges
        .computeIfAbsent(
            source.id() + "\n" + destination.id(),
            k -> new Edge(source, destination, new TrafficSum()))
        .sum()
        .add(row.key(), row.counters());
  }

  TopologyResponse toProto() {
    var out = TopologyResponse.newBuilder();
    for (Endpoint n : nodes.values()) {
      out.addNodes(
          TopologyNode.newBuilder()
              .setId(n.id())
              .setService(n.name())
              .setNamespace(n.namespace())
              .setCluster(n.cluster())
              .setKind(n.kind().name()));
    }
    for (Edge e : edges.values()) {
      boolean cross =
          e.source().kind() == Endpoint.Kind.SERVICE
              && e.destination().kind() == Endpoint.Kind.SERVICE
              && !e.source().cluster().equals(e.destination().cluster());
      out.addEdges(
          TopologyEdge.newBuilder()
              .setSource(e.source().id())
              .setDestination(e.destination().id())
              .setRequestsPerSecond(seconds <= 0 ? 0 : (double) e.sum().requests / seconds)
              .setErrorRatio(e.sum().errorRatio())
              .setP99Ms(LatencyBuckets.quantile(0.99, e.sum().buckets))
              .setCrossCluster(cross));
    }
    return out.build();
  }
}
