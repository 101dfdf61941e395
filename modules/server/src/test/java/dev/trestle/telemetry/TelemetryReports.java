package dev.trestle.telemetry;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.Destination;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TrafficSeries;
import dev.trestle.protocol.v1.Workload;
import java.util.ArrayList;
import java.util.List;

/** Telemetry reports as an edge of org "acme" sends them, for tests against a real central. */
public final class TelemetryReports {
  private TelemetryReports() {}

  /**
   * A call from {@code srcApp} in {@code srcNs} to {@code dstService} ({@code dstNs} empty: an
   * external host), {@code requests} of them in response class {@code cls}, all in latency bucket
   * {@code bucket} of Istio's default bounds.
   */
  public static TrafficSeries call(
      String srcApp,
      String srcNs,
      String dstService,
      String dstNs,
      String dstCluster,
      String cls,
      long requests,
      int bucket) {
    var buckets = new ArrayList<Long>();
    for (int i = 0; i < LatencyBuckets.COUNT; i++) {
      buckets.add(i == bucket ? requests : 0L);
    }
    return TrafficSeries.newBuilder()
        .setSource(Workload.newBuilder().setName(srcApp + "-v1").setApp(srcApp).setNamespace(srcNs))
        .setDestination(
            Destination.newBuilder()
                .setService(
                    dstNs.isEmpty() ? dstService : dstService + "." + dstNs + ".svc.cluster.local")
                .setNamespace(dstNs)
                .setCluster(dstCluster))
        .setResponseClass(cls)
        .setRequests(requests)
        .addAllLatencyBuckets(buckets)
        .build();
  }

  /** One 30 s window starting at {@code start} (epoch seconds) of cluster {@code cluster}. */
  public static TelemetryReport report(
      String cluster, String agent, long start, TrafficSeries... series) {
    var w =
        TelemetryWindow.newBuilder()
            .setStart(Timestamp.newBuilder().setSeconds(start))
            .setSeconds(30)
            .addAllSeries(List.of(series));
    for (double b : LatencyBuckets.BOUNDS_MS) {
      w.addBucketBoundsMs(b);
    }
    return TelemetryReport.newBuilder()
        .setCluster("organizations/acme/clusters/" + cluster)
        .setAgentInstance(agent)
        .addWindows(w)
        .build();
  }
}
