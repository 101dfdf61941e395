package dev.trestle.loadtest.telemetry;

import com.google.protobuf.Timestamp;
import dev.trestle.loadtest.scenarios.BenchFixture;
import dev.trestle.protocol.v1.Destination;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TrafficSeries;
import dev.trestle.protocol.v1.Workload;

/**
 * What N simulated edges report: per cluster and 30 s window, {@code pairs} service pairs in
 * namespace {@code bench} ({@code src<i % 10>} calling {@code svc<i>}, every tenth call coming from
 * the next cluster: cross-cluster), each a 2xx series with Istio's default latency buckets, and a
 * 5xx series for every tenth pair, as an edge builds them (docs/telemetry.md, "What is
 * aggregated").
 */
final class SimulatedReports {
  /** Istio's default bucket bounds (ms), as the proxies report them. */
  static final double[] BOUNDS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
    1800000, 3600000
  };

  private SimulatedReports() {}

  /** Series in one window of one cluster. */
  static int seriesPerWindow(int pairs) {
    return pairs + (pairs + 9) / 10;
  }

  /** The reporting cluster's FQN, cluster numbers from 1. */
  static String clusterFqn(int cluster) {
    return BenchFixture.clusterFqn(cluster);
  }

  /**
   * Cluster {@code cluster}'s (from 1, of {@code clusters}) report of one window starting at {@code
   * start} (epoch seconds).
   */
  static TelemetryReport report(int cluster, int clusters, int pairs, long start, String agent) {
    var window =
        TelemetryWindow.newBuilder()
            .setStart(Timestamp.newBuilder().setSeconds(start))
            .setSeconds(30);
    for (double b : BOUNDS) {
      window.addBucketBoundsMs(b);
    }
    String self = BenchFixture.clusterName(cluster);
    for (int i = 0; i < pairs; i++) {
      String source = i % 10 == 9 ? BenchFixture.clusterName(cluster % clusters + 1) : self;
      window.addSeries(series(i, source, self, "2xx", 60 + i % 7));
      if (i % 10 == 0) {
        window.addSeries(series(i, source, self, "5xx", 1 + i % 3));
      }
    }
    return TelemetryReport.newBuilder()
        .setCluster(BenchFixture.clusterFqn(cluster))
        .setAgentInstance(agent)
        .addWindows(window)
        .build();
  }

  private static TrafficSeries series(
      int pair, String sourceCluster, String cluster, String cls, long requests) {
    var b =
        TrafficSeries.newBuilder()
            .setSource(
                Workload.newBuilder()
                    .setName("src" + pair % 10 + "-v1")
                    .setApp("src" + pair % 10)
                    .setNamespace(BenchFixture.NAMESPACE)
                    .setCluster(sourceCluster))
            .setDestination(
                Destination.newBuilder()
                    .setService("svc" + pair + "." + BenchFixture.NAMESPACE + ".svc.cluster.local")
                    .setNamespace(BenchFixture.NAMESPACE)
                    .setCluster(cluster))
            .setResponseClass(cls)
            .setRequests(requests)
            .setLatencySumMs(requests * 20.0)
            .setRequestBytes(requests * 300)
            .setResponseBytes(requests * 2000);
    // most in (10, 25] ms, a tail in (100, 250]
    for (int i = 0; i <= BOUNDS.length; i++) {
      b.addLatencyBuckets(i == 4 ? requests - requests / 20 : i == 7 ? requests / 20 : 0);
    }
    return b.build();
  }
}
