package dev.trestle.loadtest.scenarios;

import dev.trestle.loadtest.Progress;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * N simulated edges over a few shared channels (at most {@link #STREAMS_PER_CHANNEL} streams per
 * HTTP/2 connection: pekko-http's server allows 256 concurrent streams per connection by default).
 */
public final class EdgeFleet implements AutoCloseable {
  public static final int STREAMS_PER_CHANNEL = 200;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SimEdge> edges = new ArrayList<>();

  public EdgeFleet(int edgePort, List<String> tokens, String watchFqn) {
    this(edgePort, tokens, watchFqn, null);
  }

  /** With {@code inventories} (index i for cluster i + 1), or the default inventory when null. */
  public EdgeFleet(
      int edgePort,
      List<String> tokens,
      String watchFqn,
      java.util.function.IntFunction<dev.trestle.protocol.v1.Inventory> inventories) {
    int n = tokens.size();
    int channelCount = Math.max(1, (n + STREAMS_PER_CHANNEL - 1) / STREAMS_PER_CHANNEL);
    for (int c = 0; c < channelCount; c++) {
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", edgePort, InsecureChannelCredentials.create())
              .maxInboundMessageSize(64 * 1024 * 1024)
              .build());
    }
    for (int i = 0; i < n; i++) {
      edges.add(
          inventories == null
              ? new SimEdge(BenchFixture.clusterName(i + 1), tokens.get(i), watchFqn)
              : new SimEdge(
                  BenchFixture.clusterName(i + 1), tokens.get(i), watchFqn, inventories.apply(i)));
    }
  }

  public List<SimEdge> edges() {
    return edges;
  }

  public List<ManagedChannel> channels() {
    return channels;
  }

  public ManagedChannel channelFor(int i) {
    return channels.get(i % channels.size());
  }

  public void connectAll() {
    for (int i = 0; i < edges.size(); i++) {
      edges.get(i).connect(channelFor(i));
    }
  }

  /**
   * Waits until every edge satisfies the condition; returns seconds waited, or throws on timeout.
   */
  public double await(String phase, Predicate<SimEdge> condition, Duration timeout)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    try (var progress = new Progress(phase, edges.size(), "edges")) {
      while (true) {
        long ok = edges.stream().filter(condition).count();
        var closedEdges = edges.stream().filter(e -> e.closed().isDone()).toList();
        progress.update(
            ok,
            closedEdges.isEmpty()
                ? ""
                : closedEdges.size()
                    + " stream(s) closed, e.g. "
                    + closedEdges.get(0).cluster()
                    + ": "
                    + closedEdges.get(0).closed().join());
        if (ok == edges.size()) {
          return (System.nanoTime() - t0) / 1e9;
        }
        if (System.nanoTime() > deadline) {
          var bad = edges.stream().filter(condition.negate()).findFirst().orElseThrow();
          throw new IllegalStateException(
              phase
                  + ": "
                  + (edges.size() - ok)
                  + " of "
                  + edges.size()
                  + " edges not there after "
                  + timeout.toSeconds()
                  + " s; e.g. "
                  + bad.cluster()
                  + (bad.closed().isDone() ? " (stream closed: " + bad.closed().join() + ")" : ""));
        }
        Thread.sleep(20);
      }
    }
  }

  public long count(Predicate<SimEdge> condition) {
    return edges.stream().filter(condition).count();
  }

  public void resetBackoff() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
  }

  @Override
  public void close() throws InterruptedException {
    edges.forEach(SimEdge::close);
    for (var c : channels) {
      c.shutdownNow();
    }
    for (var c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
