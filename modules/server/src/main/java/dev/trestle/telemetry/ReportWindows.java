package dev.trestle.telemetry;

import com.google.protobuf.Timestamp;
import dev.trestle.clusters.EdgeSuppliedText;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TrafficSeries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a report into {@link IncomingWindow}s: checks its size against the configured bounds and
 * each window's shape (a start, ascending bucket bounds, no more counts than buckets, a known
 * response class), and maps every series onto central's key and buckets. A bad report is refused
 * whole, with what and where, before anything is queued.
 */
final class ReportWindows {
  static final Set<String> RESPONSE_CLASSES = Set.of("1xx", "2xx", "3xx", "4xx", "5xx", "tcp", "");

  /** Windows this far ahead of central's clock are refused (clock skew beyond reason). */
  private static final long MAX_FUTURE_SECONDS = 300;

  /** A report that cannot be accepted, with the reason. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private ReportWindows() {}

  static List<IncomingWindow> of(
      String clusterFqn, TelemetryReport report, TelemetrySettings settings, Instant now) {
    if (report.getWindowsCount() > settings.maxWindowsPerReport()) {
      throw new Invalid(
          "the report has "
              + report.getWindowsCount()
              + " windows; at most "
              + settings.maxWindowsPerReport()
              + " are accepted in one report (trestle.telemetry.max-windows-per-report)");
    }
    String agent = EdgeSuppliedText.printable(report.getAgentInstance().strip());
    if (agent.length() > 128) {
      throw new Invalid("agent_instance is longer than 128 characters");
    }
    Fqn fqn = Fqn.parse(clusterFqn);
    String org = fqn.nameOf(Kind.ORGANIZATION).orElseThrow();
    String cluster = fqn.name();
    var out = new ArrayList<IncomingWindow>(report.getWindowsCount());
    for (int w = 0; w < report.getWindowsCount(); w++) {
      out.add(window(org, cluster, clusterFqn, agent, w, report.getWindows(w), settings, now));
    }
    return out;
  }

  private static IncomingWindow window(
      String org,
      String cluster,
      String clusterFqn,
      String agent,
      int index,
      TelemetryWindow window,
      TelemetrySettings settings,
      Instant now) {
    String where = "windows[" + index + "]";
    if (!window.hasStart()) {
      throw new Invalid(where + ".start is required");
    }
    Timestamp start = window.getStart();
    if (start.getSeconds() <= 0 || start.getSeconds() > now.getEpochSecond() + MAX_FUTURE_SECONDS) {
      throw new Invalid(
          where
              + ".start "
              + Instant.ofEpochSecond(start.getSeconds())
              + " is not a plausible window start (central's clock: "
              + now
              + ")");
    }
    if (window.getSeriesCount() > settings.maxSeriesPerWindow()) {
      throw new Invalid(
          where
              + " has "
              + window.getSeriesCount()
              + " series; at most "
              + settings.maxSeriesPerWindow()
              + " are accepted (trestle.telemetry.max-series-per-window)");
    }
    List<Double> bounds = window.getBucketBoundsMsList();
    for (int i = 1; i < bounds.size(); i++) {
      if (!(bounds.get(i) > bounds.get(i - 1))) {
        throw new Invalid(where + ".bucket_bounds_ms must be ascending (at index " + i + ")");
      }
    }
    var series = new ArrayList<IncomingWindow.Series>(window.getSeriesCount());
    for (int s = 0; s < window.getSeriesCount(); s++) {
      TrafficSeries t = window.getSeries(s);
      if (t.getLatencyBucketsCount() > bounds.size() + 1) {
        throw new Invalid(
            where
                + ".series["
                + s
                + "] has "
                + t.getLatencyBucketsCount()
                + " latency buckets for "
                + bounds.size()
                + " bounds (at most bounds + 1 for +Inf)");
      }
      if (!RESPONSE_CLASSES.contains(t.getResponseClass())) {
        throw new Invalid(
            where
                + ".series["
                + s
                + "].response_class '"
                + EdgeSuppliedText.printable(t.getResponseClass())
                + "' is not one of 1xx, 2xx, 3xx, 4xx, 5xx, tcp");
      }
      series.add(new IncomingWindow.Series(key(org, cluster, t), counters(bounds, t)));
    }
    return new IncomingWindow(clusterFqn, agent, start.getSeconds(), series);
  }

  private static SeriesKey key(String org, String cluster, TrafficSeries t) {
    var src = t.getSource();
    var dst = t.getDestination();
    return new SeriesKey(
        org,
        cluster,
        // Topology nodes are services: the app label names the service a workload belongs to.
        src.getApp().isBlank() ? src.getName() : src.getApp(),
        src.getNamespace(),
        src.getCluster(),
        dst.getService(),
        dst.getNamespace(),
        dst.getCluster(),
        t.getResponseClass());
  }

  private static SeriesCounters counters(List<Double> bounds, TrafficSeries t) {
    var c = new SeriesCounters();
    c.requests = t.getRequests();
    c.latencySumMs = Double.isFinite(t.getLatencySumMs()) ? t.getLatencySumMs() : 0;
    c.requestBytes = t.getRequestBytes();
    c.responseBytes = t.getResponseBytes();
    c.tcpOpened = t.getTcpConnectionsOpened();
    c.tcpSentBytes = t.getTcpSentBytes();
    c.tcpReceivedBytes = t.getTcpReceivedBytes();
    long[] b = LatencyBuckets.rebucket(bounds, t.getLatencyBucketsList());
    System.arraycopy(b, 0, c.buckets, 0, b.length);
    return c;
  }
}
