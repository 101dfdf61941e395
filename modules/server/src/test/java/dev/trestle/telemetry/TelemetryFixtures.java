package dev.trestle.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Windows and settings for telemetry tests. */
final class TelemetryFixtures {
  private TelemetryFixtures() {}

  static TelemetrySettings settings() {
    return new TelemetrySettings(
        100,
        10_000,
        240,
        20_000,
        5_000,
        Duration.ofMillis(20),
        Duration.ofSeconds(10),
        Duration.ofHours(48),
        Duration.ofDays(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(5),
        Duration.ofSeconds(60));
  }

  /** A call from {@code src} to {@code dst} seen in {@code cluster} of org "acme". */
  static IncomingWindow.Series call(
      String cluster,
      String srcWorkload,
      String srcNs,
      String dstService,
      String dstNs,
      String dstCluster,
      String responseClass,
      long requests,
      int bucket) {
    var key =
        new SeriesKey(
            "acme",
            cluster,
            srcWorkload,
            srcNs,
            cluster,
            dstService,
            dstNs,
            dstCluster,
            responseClass);
    var c = new SeriesCounters();
    c.requests = requests;
    c.latencySumMs = requests * LatencyBuckets.BOUNDS_MS[Math.min(bucket, 18)];
    c.buckets[bucket] = requests;
    return new IncomingWindow.Series(key, c);
  }

  static IncomingWindow window(
      String cluster, String agent, long startSeconds, IncomingWindow.Series... series) {
    return new IncomingWindow(
        "organizations/acme/clusters/" + cluster,
        agent,
        startSeconds,
        new ArrayList<>(List.of(series)));
  }
}
