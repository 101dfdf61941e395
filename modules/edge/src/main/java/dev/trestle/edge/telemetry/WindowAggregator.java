package dev.trestle.edge.telemetry;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TrafficSeries;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sums one window's increases by {@link TrafficKey} and builds the window's report. Increases come
 * from the scrape path ({@link CounterTracker}) or from Prometheus ({@code increase()}), already
 * reset-free and never negative. At most {@code maxSeries} keys: an increase for a new key past
 * that is dropped and counted. Not thread-safe: one window is filled by one thread.
 */
public final class WindowAggregator {
  private final int maxSeries;
  private final Map<TrafficKey, Totals> totals = new HashMap<>();
  private final TreeSet<Double> bounds = new TreeSet<>();
  private long droppedSeries;

  public WindowAggregator(int maxSeries) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("maxSeries must be positive");
    }
    this.maxSeries = maxSeries;
  }

  /**
   * Adds the increase of one series of {@code metric} in this window. {@code le} is the bucket
   * bound of a {@link IstioMetric#DURATION_BUCKET} sample (its {@code le} label), ignored
   * otherwise. Series a proxy reports that {@link TrafficKey#counted} leaves out are ignored.
   */
  public void add(IstioMetric metric, Labels labels, double increase) {
    if (!TrafficKey.counted(labels)) {
      return;
    }
    double le = 0;
    if (metric == IstioMetric.DURATION_BUCKET) {
      var parsed = PrometheusTextParser.parseValue(labels.getOrDefault("le", ""));
      if (parsed.isEmpty() || Double.isNaN(parsed.get())) {
        return;
      }
      le = parsed.get();
      if (le != Double.POSITIVE_INFINITY) {
        bounds.add(le); // the proxies' bounds, even those nothing fell into this window
      }
    }
    if (!(increase > 0)) {
      return; // NaN, zero, negative: nothing happened
    }
    TrafficKey key = TrafficKey.of(metric, labels);
    Totals t = totals.get(key);
    if (t == null) {
      if (totals.size() >= maxSeries) {
        droppedSeries++;
        return;
      }
      t = new Totals();
      totals.put(key, t);
    }
    switch (metric) {
      case REQUESTS -> t.requests += increase;
      case DURATION_BUCKET -> t.cumulative.merge(le, increase, Double::sum);
      case DURATION_SUM -> t.latencySumMs += increase;
      case REQUEST_BYTES -> t.requestBytes += increase;
      case RESPONSE_BYTES -> t.responseBytes += increase;
      case TCP_OPENED -> t.tcpOpened += increase;
      case TCP_SENT -> t.tcpSent += increase;
      case TCP_RECEIVED -> t.tcpReceived += increase;
    }
  }

  /** Keys in this window so far. */
  public int series() {
    return totals.size();
  }

  /** Increases dropped because the window had {@code maxSeries} keys already. */
  public long droppedSeries() {
    return droppedSeries;
  }

  /**
   * The window as reported: series in a stable order, counts rounded to whole numbers, latency
   * buckets non-cumulative over the union of the bounds the proxies used (a proxy lacking a bound
   * contributes to the next bound up), plus the +Inf bucket; empty for series without a histogram.
   */
  public TelemetryWindow build(Instant start, int seconds) {
    Double[] upper = bounds.toArray(new Double[0]);
    var window =
        TelemetryWindow.newBuilder()
            .setStart(
                Timestamp.newBuilder().setSeconds(start.getEpochSecond()).setNanos(start.getNano()))
            .setSeconds(seconds);
    for (Double b : upper) {
      window.addBucketBoundsMs(b);
    }
    var sorted = new TreeMap<TrafficKey, Totals>(TrafficKey.ORDER);
    sorted.putAll(totals);
    sorted.forEach((key, t) -> window.addSeries(t.toSeries(key, upper)));
    return window.build();
  }

  private static final class Totals {
    double requests;
    double latencySumMs;
    double requestBytes;
    double responseBytes;
    double tcpOpened;
    double tcpSent;
    double tcpReceived;
    final TreeMap<Double, Double> cumulative = new TreeMap<>();

    TrafficSeries toSeries(TrafficKey key, Double[] upper) {
      var s =
          TrafficSeries.newBuilder()
              .setSource(key.source())
              .setDestination(key.destination())
              .setResponseClass(key.responseClass())
              .setRequests(Math.round(requests))
              .setLatencySumMs(latencySumMs)
              .setRequestBytes(Math.round(requestBytes))
              .setResponseBytes(Math.round(responseBytes))
              .setTcpConnectionsOpened(Math.round(tcpOpened))
              .setTcpSentBytes(Math.round(tcpSent))
              .setTcpReceivedBytes(Math.round(tcpReceived));
      if (!cumulative.isEmpty()) {
        long below = 0;
        for (Double bound : upper) {
          // A proxy lacking this bound counts at the next one: keep the running total monotonic.
          long atOrBelow = Math.max(below, Math.round(cumulative.getOrDefault(bound, 0.0)));
          s.addLatencyBuckets(atOrBelow - below);
          below = atOrBelow;
        }
        long all =
            Math.max(below, Math.round(cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0)));
        s.addLatencyBuckets(all - below);
      }
      return s.build();
    }
  }
}
