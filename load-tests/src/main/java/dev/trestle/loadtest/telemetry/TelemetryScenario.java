package dev.trestle.loadtest.telemetry;

import com.google.protobuf.Timestamp;
import com.sun.management.OperatingSystemMXBean;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.Progress;
import dev.trestle.loadtest.scenarios.BenchApi;
import dev.trestle.loadtest.scenarios.BenchFixture;
import dev.trestle.loadtest.scenarios.ScenarioBase;
import dev.trestle.loadtest.scenarios.ScenarioReport;
import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.TelemetryIngestGrpc;
import dev.trestle.protocol.v1.TelemetryQueryGrpc;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryReportAck;
import dev.trestle.protocol.v1.TimeRange;
import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopologyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #18: telemetry ingest and queries. N simulated edges (one join token each) report windows
 * of {@code pairs} service pairs to central's {@code TelemetryIngest.Report} on the edge port,
 * {@code senders} reports in flight; measured: windows/s and series/s written, the process's CPU
 * per 1,000 series, database growth per series-minute, then the latency of ServiceTraffic (one
 * service, 1 h), TopServices and Topology (the organization, 1 h) over what was stored; beside them
 * the in-run limit of plain batched INSERTs of as many minute-shaped rows.
 */
@Command(
    name = "telemetry",
    mixinStandardHelpOptions = true,
    description =
        "Telemetry ingest and query: --clusters simulated edges report --windows 30 s windows of"
            + " --pairs service pairs each to central's ingest RPC; then the top/services/topology"
            + " queries over the stored data, and the raw batched INSERT limit beside it.")
public final class TelemetryScenario extends ScenarioBase {
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
      description = "Reports in flight at once (default: ${DEFAULT-VALUE}).")
  int senders;

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
    long series = reports * perWindow;
    report.parameter("clusters (simulated edges)", clusters);
    report.parameter("service pairs per cluster", pairs);
    report.parameter("series per window (2xx, plus 5xx for every tenth pair)", perWindow);
    report.parameter("30 s windows per edge", windows);
    report.parameter("reports in flight", senders);
    report.parameter("query runs each", queries);
    try (var central = EmbeddedCentral.create(run.keepData(), overrides).start();
        var api = new BenchApi(central.apiPort(), central.adminToken().orElse(null))) {
      report.machine(machine(central));
      log("telemetry", "%s", report.machine().summary());
      BenchFixture.create(api, clusters, 0, "telemetry");
      List<String> tokens = BenchFixture.tokens(api, clusters, "telemetry");
      long now = Instant.now().getEpochSecond();
      // Whole minutes, all in the past and inside the last hour.
      long first = Math.floorDiv(now, 60) * 60 - 60L * ((windows + 1) / 2 + 2);
      var rounds = SimulatedReports.build(clusters, pairs, windows, first, "bench-" + now);
      long dbBefore = central.databaseBytes();
      Ingest ingest = ingest(central.edgePort(), tokens, rounds);
      long dbAfter = central.databaseBytes();
      report.loadSample("afterIngest");
      long seriesMinutes = (long) clusters * perWindow * ((windows + 1) / 2);
      double windowsPerSecond = ingest.accepted / ingest.seconds;
      double seriesPerSecond = ingest.accepted * perWindow / ingest.seconds;
      double cpuPerThousand = ingest.cpuSeconds / (ingest.accepted * perWindow / 1000.0);
      report.figure("ingestSeconds", round3(ingest.seconds));
      report.figure("windowsAccepted", ingest.accepted);
      report.figure("windowsDuplicate", ingest.duplicates);
      report.figure("windowsDropped", ingest.dropped);
      report.figure("windowsPerSecond", Math.round(windowsPerSecond * 10) / 10.0);
      report.figure("seriesPerSecond", Math.round(seriesPerSecond));
      report.figure("processCpuSeconds", round3(ingest.cpuSeconds));
      report.figure("cpuSecondsPer1000Series", round3(cpuPerThousand));
      report.figure("databaseBytesGrowth", dbAfter - dbBefore);
      report.figure(
          "databaseBytesPerSeriesMinute",
          Math.round((double) (dbAfter - dbBefore) / Math.max(1, seriesMinutes)));
      LatencyStats reportLatency = report.latency("report", "Report call", ingest.nanos, 0, false);

      var range =
          TimeRange.newBuilder()
              .setStart(Timestamp.newBuilder().setSeconds(now - 3600))
              .setEnd(Timestamp.newBuilder().setSeconds(now))
              .build();
      var query =
          TelemetryQueryGrpc.newBlockingStub(api.channel()).withCallCredentials(api.credentials());
      long[] service =
          times(
              "service over 1 h",
              () ->
                  query
                      .withDeadlineAfter(60, TimeUnit.SECONDS)
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
                      .withDeadlineAfter(60, TimeUnit.SECONDS)
                      .topServices(
                          TopServicesRequest.newBuilder()
                              .setScope(BenchFixture.ORG)
                              .setRange(range)
                              .build()));
      var topology =
          query
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .topology(
                  TopologyRequest.newBuilder().setScope(BenchFixture.ORG).setRange(range).build());
      long[] topo =
          times(
              "topology over 1 h",
              () ->
                  query
                      .withDeadlineAfter(60, TimeUnit.SECONDS)
                      .topology(
                          TopologyRequest.newBuilder()
                              .setScope(BenchFixture.ORG)
                              .setRange(range)
                              .build()));
      report.figure("topologyNodes", topology.getNodesCount());
      report.figure("topologyEdges", topology.getEdgesCount());
      LatencyStats s = report.latency("serviceQuery", "ServiceTraffic, 1 h", service, 1, false);
      LatencyStats t = report.latency("topQuery", "TopServices, 1 h", top, 2, false);
      LatencyStats g = report.latency("topologyQuery", "Topology, 1 h", topo, 3, true);
      report.latencyChart("Telemetry report and query latency", 0);

      MinuteRowInsert raw = MinuteRowInsert.run(central.storage(), series, rawBatch);
      report.figure("rawInsertRowsPerSecond", raw.rowsPerSecond());
      report.figure("rawInsertBatch", raw.batch());
      report.figure("ingestShareOfRawLimit", round3(seriesPerSecond / raw.rowsPerSecond()));
      report.figure("uptimeAtEnd", ScenarioReport.uptime());

      report.markdown(
          "## Figures\n\n"
              + ScenarioReport.table(
                  List.of("figure", "value"),
                  List.of(
                      List.of("windows accepted / duplicate / dropped", ingest.summary()),
                      List.of("**windows/s** written", ScenarioReport.num(windowsPerSecond)),
                      List.of("**series/s** written", ScenarioReport.num(seriesPerSecond)),
                      List.of(
                          "raw batched INSERT of minute-shaped rows ("
                              + raw.batch()
                              + " rows/commit), rows/s",
                          ScenarioReport.num(raw.rowsPerSecond())),
                      List.of(
                          "CPU (whole process) per 1,000 series",
                          String.format(Locale.ROOT, "%.3f s", cpuPerThousand)),
                      List.of(
                          "database growth per series-minute (H2 files, approximate)",
                          String.format(
                              Locale.ROOT,
                              "%,d bytes",
                              (dbAfter - dbBefore) / Math.max(1, seriesMinutes))),
                      List.of(
                          "topology nodes / edges",
                          topology.getNodesCount() + " / " + topology.getEdgesCount())))
              + "\n## Latency\n\n"
              + ScenarioReport.table(
                  ScenarioReport.LATENCY_HEADERS,
                  List.of(
                      ScenarioReport.latencyRow("Report call (one window)", reportLatency),
                      ScenarioReport.latencyRow("ServiceTraffic, one service, 1 h", s),
                      ScenarioReport.latencyRow("TopServices, organization, 1 h", t),
                      ScenarioReport.latencyRow("Topology, organization, 1 h", g))));
      report.note(
          "The simulated edges run in the same JVM as central: the CPU figure is the whole"
              + " process's (gRPC client included), so it overstates central's share.");
      report.note(
          "Ingest writes each series' identity (once), the window ledger row and a minute row"
              + " (inserted, or updated when the minute's second window arrives); the raw INSERT"
              + " writes only rows of the minute table's shape, so it bounds ingest from above.");
      report.write(out, err);
      return ingest.accepted == reports ? 0 : 1;
    }
  }

  /** What the ingest phase measured. */
  private record Ingest(
      long accepted,
      long duplicates,
      long dropped,
      double seconds,
      double cpuSeconds,
      long[] nanos) {
    String summary() {
      return String.format(Locale.ROOT, "%,d / %,d / %,d", accepted, duplicates, dropped);
    }
  }

  private Ingest ingest(int edgePort, List<String> tokens, List<List<TelemetryReport>> rounds)
      throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", edgePort, InsecureChannelCredentials.create())
            .maxInboundMessageSize(4 * 1024 * 1024)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    var accepted = new AtomicLong();
    var duplicates = new AtomicLong();
    var dropped = new AtomicLong();
    int total = rounds.stream().mapToInt(List::size).sum();
    long[] nanos = new long[total];
    var cpu = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (var progress = new Progress("telemetry: ingest", total, "reports")) {
      long cpu0 = cpu.getProcessCpuTime();
      long t0 = System.nanoTime();
      var calls = new ArrayList<Future<?>>();
      int n = 0;
      var done = new AtomicLong();
      for (List<TelemetryReport> round : rounds) {
        for (int c = 0; c < round.size(); c++) {
          TelemetryReport r = round.get(c);
          String token = tokens.get(c);
          int index = n++;
          calls.add(
              pool.submit(
                  () -> {
                    long s = System.nanoTime();
                    TelemetryReportAck ack = send(channel, r, token);
                    nanos[index] = System.nanoTime() - s;
                    accepted.addAndGet(ack.getAcceptedWindows());
                    duplicates.addAndGet(ack.getDuplicateWindows());
                    dropped.addAndGet(ack.getDroppedWindows());
                    progress.update(done.incrementAndGet());
                  }));
        }
      }
      for (Future<?> call : calls) {
        call.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (cpu.getProcessCpuTime() - cpu0) / 1e9;
      return new Ingest(
          accepted.get(), duplicates.get(), dropped.get(), seconds, cpuSeconds, nanos);
    } finally {
      pool.shutdownNow();
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static TelemetryReportAck send(ManagedChannel channel, TelemetryReport r, String token) {
    var md = new Metadata();
    md.put(Metadata.Key.of("x-trestle-cluster", Metadata.ASCII_STRING_MARSHALLER), r.getCluster());
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return TelemetryIngestGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .withDeadlineAfter(120, TimeUnit.SECONDS)
        .report(r);
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
