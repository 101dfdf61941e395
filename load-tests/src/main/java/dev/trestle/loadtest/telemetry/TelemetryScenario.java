package dev.trestle.loadtest.telemetry;

import com.google.protobuf.Timestamp;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.Progress;
import dev.trestle.loadtest.scenarios.BenchApi;
import dev.trestle.loadtest.scenarios.BenchFixture;
import dev.trestle.loadtest.scenarios.ScenarioBase;
import dev.trestle.loadtest.scenarios.ScenarioReport;
import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.TelemetryQueryGrpc;
import dev.trestle.protocol.v1.TimeRange;
import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopologyRequest;
import dev.trestle.protocol.v1.TopologyResponse;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #18: telemetry ingest and queries. N simulated edges (one join token each) report windows
 * of {@code pairs} service pairs to central's {@code TelemetryIngest.Report} on the edge port,
 * either saturating ({@code senders} reports in flight) or paced (every edge once per {@code
 * interval}: the offered rate of a fleet); measured: series/s written, windows dropped or failed,
 * central's CPU per 1,000 series, database growth per series-minute, then the latency of
 * ServiceTraffic (one service in every cluster, 1 h), TopServices and Topology (a workspace of a
 * few clusters, 1 h; the organization's would sum every series) over what was stored; beside them
 * the in-run limit of plain batched INSERTs of as many minute-shaped rows.
 */
@Command(
    name = "telemetry",
    mixinStandardHelpOptions = true,
    description =
        "Telemetry ingest and query: --clusters simulated edges report --windows 30 s windows of"
            + " --pairs service pairs each to central's ingest RPC (saturating, or paced with"
            + " --interval); then the service/top/topology queries over the stored data, and the"
            + " raw batched INSERT limit beside it.")
public final class TelemetryScenario extends ScenarioBase {
  private static final String TOPOLOGY_WS = "topo";
  private static final String TOPOLOGY_SCOPE =
      BenchFixture.ORG + "/tenants/t/workspaces/" + TOPOLOGY_WS;

  @Option(
      names = "--clusters",
      defaultValue = "20",
      description = "Simulated edges, one cluster each (default: ${DEFAULT-VALUE}).")
  int clusters;

  @Option(
      names = "--pairs",
      defaultValue = "200",
      description = "Service pairs per cluster and window (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(
      names = "--windows",
      defaultValue = "8",
      description = "30 s windows each edge reports (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(
      names = "--senders",
      defaultValue = "4",
      description = "Reports in flight at once when saturating (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(
      names = "--interval",
      defaultValue = "0",
      description =
          "Seconds between one edge's reports: every cluster sends once per interval, spread"
              + " evenly over it, whatever central answers (the offered rate); 0 = saturate with"
              + " --senders calls in flight (default: ${DEFAULT-VALUE}).")
  int interval;

  @Option(
      names = "--topology-clusters",
      defaultValue = "2",
      description =
          "Clusters whose namespace the topology query's workspace selects (default:"
              + " ${DEFAULT-VALUE}: about 450 nodes at 200 pairs).")
  int topologyClusters;

  @Option(
      names = "--queries",
      defaultValue = "30",
      description = "Runs of each query after ingest (default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(
      names = "--raw-batch",
      defaultValue = "2000",
      description = "Rows per commit of the raw INSERT limit (default: ${DEFAULT-VALUE}).")
  int rawBatch;

  public TelemetryScenario() {
    this(System.out, System.err);
  }

  public TelemetryScenario(PrintStream out, PrintStream err) {
    super(out, err, "telemetry", "Telemetry ingest and query benchmark");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    int perWindow = SimulatedReports.seriesPerWindow(pairs);
    long reports = (long) clusters * windows;
    report.parameter("clusters (simulated edges)", clusters);
    report.parameter("service pairs per cluster", pairs);
    report.parameter("series per window (2xx, plus 5xx for every tenth pair)", perWindow);
    report.parameter("30 s windows per edge", windows);
    report.parameter(
        "sending",
        interval > 0
            ? "paced: every cluster once per " + interval + " s, spread evenly"
            : senders + " reports in flight (saturating)");
    report.parameter("clusters in the topology scope", topologyClusters);
    report.parameter("query runs each", queries);
    try (var central = EmbeddedCentral.create(run.keepData(), overrides).start();
        var api = new BenchApi(central.apiPort(), central.adminToken().orElse(null))) {
      report.machine(machine(central));
      log("telemetry", "%s", report.machine().summary());
      BenchFixture.create(api, clusters, 0, "telemetry");
      api.apply(topologyWorkspace(Math.min(topologyClusters, clusters)));
      List<String> tokens = BenchFixture.tokens(api, clusters, "telemetry");
      // The new clusters' translations would otherwise run during the measured ingest.
      BenchFixture.awaitProjections(central.managementPort(), Duration.ofMinutes(30), "telemetry");
      long now = Instant.now().getEpochSecond();
      // Whole minutes, all in the past and inside the last hour.
      long first = Math.floorDiv(now, 60) * 60 - 60L * ((windows + 1) / 2 + 2);
      long dbBefore = central.databaseBytes();
      report.loadSample("beforeIngest");
      IngestDriver.Ingest ingest;
      try (var driver =
          new IngestDriver(central.edgePort(), tokens, pairs, first, "bench-" + now)) {
        ingest =
            interval > 0
                ? driver.paced(windows, Duration.ofSeconds(interval))
                : driver.saturate(windows, senders);
      }
      long dbAfter = central.databaseBytes();
      report.loadSample("afterIngest");
      long seriesMinutes = (long) clusters * perWindow * ((windows + 1) / 2);
      long seriesStored = ingest.accepted() * perWindow;
      double offered = interval > 0 ? (double) clusters * perWindow / interval : 0;
      double seriesPerSecond = seriesStored / ingest.seconds();
      double perThousand = Math.max(1e-9, seriesStored / 1000.0);
      double cpuPerThousand = ingest.centralCpuSeconds() / perThousand;
      double processCpuPerThousand = ingest.processCpuSeconds() / perThousand;
      long bytesPerSeriesMinute = (dbAfter - dbBefore) / Math.max(1, seriesMinutes);
      report.figure("ingestSeconds", round3(ingest.seconds()));
      report.figure("windowsAccepted", ingest.accepted());
      report.figure("windowsDuplicate", ingest.duplicates());
      report.figure("windowsDropped", ingest.dropped());
      report.figure("reportsFailed", ingest.failed());
      report.figure("lateSends", ingest.lateSends());
      report.figure("drainSeconds", round3(ingest.drainSeconds()));
      report.figure("windowsPerSecond", round3(ingest.accepted() / ingest.seconds()));
      report.figure("offeredSeriesPerSecond", Math.round(offered));
      report.figure("seriesPerSecond", Math.round(seriesPerSecond));
      report.figure("processCpuSeconds", round3(ingest.processCpuSeconds()));
      report.figure("clientCpuSeconds", round3(ingest.clientCpuSeconds()));
      report.figure("cpuSecondsPer1000Series", round3(cpuPerThousand));
      report.figure("processCpuSecondsPer1000Series", round3(processCpuPerThousand));
      report.figure("centralCoresUsed", round3(ingest.centralCpuSeconds() / ingest.seconds()));
      report.figure("databaseBytesGrowth", dbAfter - dbBefore);
      report.figure("databaseBytesPerSeriesMinute", bytesPerSeriesMinute);
      LatencyStats reportLatency =
          report.latency("report", "Report call", ingest.nanos(), 0, false);

      Queries q = queries(api, now);
      report.figure("topologyNodes", q.topology().getNodesCount());
      report.figure("topologyEdges", q.topology().getEdgesCount());
      LatencyStats s = report.latency("serviceQuery", "ServiceTraffic, 1 h", q.service(), 1, false);
      LatencyStats t = report.latency("topQuery", "TopServices, 1 h", q.top(), 2, false);
      LatencyStats g = report.latency("topologyQuery", "Topology, 1 h", q.topo(), 3, true);
      report.latencyChart("Telemetry report and query latency", 0);

      long rawRows = Math.max(rawBatch, Math.min(seriesStored, 300_000));
      MinuteRowInsert raw = MinuteRowInsert.run(central.storage(), rawRows, rawBatch);
      report.figure("rawInsertRows", raw.rows());
      report.figure("rawInsertRowsPerSecond", raw.rowsPerSecond());
      report.figure("rawInsertBatch", raw.batch());
      report.figure("ingestShareOfRawLimit", round3(seriesPerSecond / raw.rowsPerSecond()));
      report.figure("uptimeAtEnd", ScenarioReport.uptime());

      report.markdown(
          "## Figures\n\n"
              + ScenarioReport.table(
                  List.of("figure", "value"),
                  List.of(
                      List.of(
                          "windows accepted / duplicate / dropped / reports failed",
                          ingest.summary()),
                      List.of("**series/s** offered (paced runs)", ScenarioReport.num(offered)),
                      List.of("**series/s** written", ScenarioReport.num(seriesPerSecond)),
                      List.of(
                          "raw batched INSERT of minute-shaped rows ("
                              + raw.batch()
                              + " rows/commit), rows/s",
                          ScenarioReport.num(raw.rowsPerSecond())),
                      List.of(
                          "last answer after the last send",
                          String.format(Locale.ROOT, "%.1f s", ingest.drainSeconds())),
                      List.of(
                          "CPU per 1,000 series: central (process minus simulated edges)",
                          String.format(Locale.ROOT, "%.3f s", cpuPerThousand)),
                      List.of(
                          "CPU per 1,000 series: whole process",
                          String.format(Locale.ROOT, "%.3f s", processCpuPerThousand)),
                      List.of(
                          "database growth per series-minute (H2 files, approximate)",
                          String.format(Locale.ROOT, "%,d bytes", bytesPerSeriesMinute)),
                      List.of(
                          "topology nodes / edges",
                          q.topology().getNodesCount() + " / " + q.topology().getEdgesCount())))
              + "\n## Latency\n\n"
              + ScenarioReport.table(
                  ScenarioReport.LATENCY_HEADERS,
                  List.of(
                      ScenarioReport.latencyRow("Report call (one window)", reportLatency),
                      ScenarioReport.latencyRow("ServiceTraffic, one service, 1 h", s),
                      ScenarioReport.latencyRow(
                          "TopServices, workspace of " + topologyClusters + " clusters, 1 h", t),
                      ScenarioReport.latencyRow(
                          "Topology, workspace of " + topologyClusters + " clusters, 1 h", g))));
      report.note(
          "The simulated edges run in the same JVM as central: central's CPU is the process's"
              + " minus the edges' threads (report building, grpc-java client); GC counts as"
              + " central's.");
      report.note(
          "Ingest writes each series' identity (once), the window ledger row and a minute row"
              + " (inserted, or updated when the minute's second window arrives); the raw INSERT"
              + " writes only rows of the minute table's shape, so it bounds ingest from above.");
      report.write(out, err);
      return ingest.accepted() == reports ? 0 : 1;
    }
  }

  /** The measured query latencies, and one topology answer for its size. */
  private record Queries(long[] service, long[] top, long[] topo, TopologyResponse topology) {}

  private Queries queries(BenchApi api, long now) {
    var range =
        TimeRange.newBuilder()
            .setStart(Timestamp.newBuilder().setSeconds(now - 3600))
            .setEnd(Timestamp.newBuilder().setSeconds(now))
            .build();
    var query =
        TelemetryQueryGrpc.newBlockingStub(api.channel())
            .withCallCredentials(api.credentials())
            .withMaxInboundMessageSize(256 * 1024 * 1024);
    long[] service =
        times(
            "service over 1 h",
            () ->
                query
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .serviceTraffic(
                        ServiceTrafficRequest.newBuilder()
                            .setService("svc0." + BenchFixture.NAMESPACE)
                            .setRange(range)
                            .build()));
    long[] top =
        times(
            "top services over 1 h",
            () ->
                query
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .topServices(
                        TopServicesRequest.newBuilder()
                            .setScope(TOPOLOGY_SCOPE)
                            .setRange(range)
                            .build()));
    Supplier<TopologyResponse> topology =
        () ->
            query
                .withDeadlineAfter(120, TimeUnit.SECONDS)
                .topology(
                    TopologyRequest.newBuilder().setScope(TOPOLOGY_SCOPE).setRange(range).build());
    TopologyResponse one = topology.get();
    return new Queries(service, top, times("topology over 1 h", topology), one);
  }

  /** A workspace selecting namespace bench of the first {@code n} clusters: the topology scope. */
  private static String topologyWorkspace(int n) {
    var selectors = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      selectors.append(i == 1 ? "" : ", ").append('"').append(BenchFixture.clusterName(i));
      selectors.append('/').append(BenchFixture.NAMESPACE).append('"');
    }
    return """
    apiVersion: trestle.dev/v1
    kind: Workspace
    metadata: {name: %s, organization: bench, tenant: t}
    spec:
      namespaceSelectors: [%s]
    """
        .formatted(TOPOLOGY_WS, selectors);
  }

  private long[] times(String label, Supplier<?> call) {
    long[] nanos = new long[queries];
    try (var progress = new Progress("telemetry: " + label, queries, "queries")) {
      for (int i = 0; i < queries; i++) {
        long s = System.nanoTime();
        call.get();
        nanos[i] = System.nanoTime() - s;
        progress.update(i + 1);
      }
    }
    return nanos;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
