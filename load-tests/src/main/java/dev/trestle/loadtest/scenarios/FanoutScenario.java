package dev.trestle.loadtest.scenarios;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.MachineFacts;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #8: idle edge streams held by one node and the heap per edge. Central runs in a child JVM,
 * so its heap is its own; heap after a full GC is read before and after the edges connect.
 */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    description =
        "Idle edges held by one central node (child JVM): --edges edges connect, get their"
            + " snapshot, ACK and heartbeat at the interval central asks; heap after full GC before"
            + " and after gives the heap per edge.")
public final class FanoutScenario extends ScenarioBase {
  @Option(
      names = "--edges",
      defaultValue = "2000",
      description = "Simulated edges (default: ${DEFAULT-VALUE}).")
  int edges;

  @Option(
      names = "--settle",
      converter = DurationConverter.class,
      defaultValue = "15s",
      description = "Idle time before measuring (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--gc-rounds",
      defaultValue = "3",
      description =
          "Full GCs per heap reading; the smallest heap counts (default: ${DEFAULT-VALUE}).")
  int gcRounds;

  @Option(
      names = "--server-jvm-opts",
      split = " ",
      description = "JVM options of the central JVM (default: none).")
  List<String> serverJvmOpts = new ArrayList<>();

  public FanoutScenario() {
    this(System.out, System.err);
  }

  public FanoutScenario(PrintStream out, PrintStream err) {
    super(out, err, "fanout", "Idle edge fan-out benchmark");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    report.parameter("edges", edges);
    report.parameter("settle seconds", settle.toSeconds());
    report.parameter("central", "child JVM " + String.join(" ", serverJvmOpts));
    var beats = Executors.newScheduledThreadPool(1);
    try (var central =
        new ChildCentral(
            report.dir().resolve("central.log"), run.keepData(), overrides, serverJvmOpts)) {
      double startSeconds = central.start();
      report.machine(MachineFacts.collect("embedded", "H2 (child JVM)"));
      log(
          "fanout",
          "%s; central pid %d ready in %.1f s",
          report.machine().summary(),
          central.pid(),
          startSeconds);
      try (var api = new BenchApi(central.apiPort(), central.adminToken())) {
        BenchFixture.create(api, edges, 1, "fanout");
        var tokens = BenchFixture.tokens(api, edges, "fanout");
        report.figure(
            "projectionsSettleSeconds",
            BenchFixture.awaitProjections(
                central.managementPort(), java.time.Duration.ofMinutes(15), "fanout"));
        long heapBefore = central.heapAfterGc(gcRounds);
        long rssBefore = central.rssBytes();
        log("fanout", "heap after GC before edges: %,.1f MiB", heapBefore / 1048576.0);
        try (var fleet = new EdgeFleet(central.edgePort(), tokens, BenchFixture.routeFqn(0))) {
          fleet.connectAll();
          double connect =
              fleet.await(
                  "fanout: connect",
                  e -> e.inSync() && e.watchVersion() > 0,
                  Duration.ofMinutes(10));
          // heartbeats at central's interval (5 s by default), spread over the interval
          long intervalMs = 5000;
          for (int i = 0; i < fleet.edges().size(); i++) {
            var e = fleet.edges().get(i);
            beats.scheduleAtFixedRate(
                e::heartbeat,
                i * intervalMs / Math.max(1, edges),
                intervalMs,
                TimeUnit.MILLISECONDS);
          }
          Thread.sleep(settle.toMillis());
          String scrape = central.metrics();
          double connected = ChildCentral.metric(scrape, "trestle_edges_connected", null);
          long heapWith = central.heapAfterGc(gcRounds);
          long rssWith = central.rssBytes();
          double threads = ChildCentral.metric(central.metrics(), "jvm_threads_live_threads", null);
          long open = fleet.count(e -> !e.closed().isDone());
          double perEdge = (heapWith - heapBefore) / (double) edges;
          log(
              "fanout",
              "%,.0f connected; heap %,.1f → %,.1f MiB: %,.1f KiB per edge",
              connected,
              heapBefore / 1048576.0,
              heapWith / 1048576.0,
              perEdge / 1024);
          beats.shutdownNow();
          fleet.close();
          Thread.sleep(3000);
          long heapAfter = central.heapAfterGc(gcRounds);
          report.loadSample("afterFanout");
          report.figure("connectSeconds", Math.round(connect * 1000) / 1000.0);
          report.figure("edgesConnectedAtCentral", connected);
          report.figure("streamsOpenAtClient", open);
          report.figure("heapAfterGcBeforeEdgesBytes", heapBefore);
          report.figure("heapAfterGcWithEdgesBytes", heapWith);
          report.figure("heapAfterGcAfterDisconnectBytes", heapAfter);
          report.figure("heapPerEdgeBytes", Math.round(perEdge));
          report.figure("rssBeforeBytes", rssBefore);
          report.figure("rssWithEdgesBytes", rssWith);
          report.figure("serverLiveThreads", threads);
          report.figure("centralStartSeconds", Math.round(startSeconds * 1000) / 1000.0);
          report.figure("targets", ">= 10,000 idle edges at <= 100 KiB each");
          report.figure("uptimeAtEnd", ScenarioReport.uptime());
          double[] heapSeries = {
            heapBefore / 1048576.0, heapWith / 1048576.0, heapAfter / 1048576.0
          };
          report.throughput(
              "heapMiB",
              "heap after full GC, MiB: before / with edges / after disconnect",
              heapSeries);
          report.throughputChart(
              String.format(Locale.ROOT, "Central heap after GC with %,d idle edges", edges),
              "MiB");
          report.markdown(
              "## Figures\n\n"
                  + ScenarioReport.table(
                      List.of("figure", "value", "target"),
                      List.of(
                          List.of(
                              "**idle edges held** (trestle_edges_connected)",
                              ScenarioReport.num(connected),
                              "≥ 10,000"),
                          List.of(
                              "**heap per edge** (after full GC, with − before)",
                              String.format(Locale.ROOT, "%,.1f KiB", perEdge / 1024),
                              "≤ 100 KiB"),
                          List.of(
                              "heap after GC: before edges / with edges / after they left",
                              String.format(
                                  Locale.ROOT,
                                  "%,.1f / %,.1f / %,.1f MiB",
                                  heapBefore / 1048576.0,
                                  heapWith / 1048576.0,
                                  heapAfter / 1048576.0),
                              ""),
                          List.of(
                              "RSS before / with edges",
                              String.format(
                                  Locale.ROOT,
                                  "%,.0f / %,.0f MiB",
                                  rssBefore / 1048576.0,
                                  rssWith / 1048576.0),
                              ""),
                          List.of("server threads", ScenarioReport.num(threads), ""),
                          List.of(
                              "time to connect all, snapshot and ACK",
                              String.format(Locale.ROOT, "%.1f s", connect),
                              ""))));
          report.note(
              "Heap per edge counts everything a connected edge costs central: its HTTP/2 stream,"
                  + " the EdgeSession actor and its stream stages, and the cluster entity woken by"
                  + " the connection (state, inventory). The "
                  + EdgeFleet.STREAMS_PER_CHANNEL
                  + "-streams-per-connection layout means few TCP connections.");
          report.note(
              "Heap read via the server's /metrics (jvm_memory_used_bytes{area=\"heap\"}) after"
                  + " `jcmd PID GC.run`, smallest of "
                  + gcRounds
                  + " rounds.");
        }
      }
      report.write(out, err);
      return 0;
    } finally {
      beats.shutdownNow();
    }
  }
}
