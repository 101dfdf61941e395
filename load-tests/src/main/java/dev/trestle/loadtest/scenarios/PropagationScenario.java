package dev.trestle.loadtest.scenarios;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.Progress;
import dev.trestle.protocol.v1.GetStatusRequest;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SyncState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #8: N simulated edges on real gRPC streams; a change to one ServiceRoute; time from the
 * API's acknowledgement to each edge's receipt of the delta containing it and to its ACK; beside a
 * raw grpc-java bidi-stream push/echo over the same number of streams (the limit).
 */
@Command(
    name = "propagation",
    mixinStandardHelpOptions = true,
    description =
        "Change propagation to --edges simulated edges (own cluster, own stream each): per change"
            + " of one ServiceRoute, time from the Apply response to each edge's receipt of the"
            + " delta and its ACK; then a raw gRPC stream push/echo over as many streams (the"
            + " limit).")
public final class PropagationScenario extends ScenarioBase {
  @Option(
      names = "--edges",
      defaultValue = "1000",
      description = "Simulated edges (default: ${DEFAULT-VALUE}).")
  int edges;

  @Option(
      names = "--changes",
      defaultValue = "20",
      description = "Measured changes of the route (default: ${DEFAULT-VALUE}).")
  int changes;

  @Option(
      names = "--warmup-changes",
      defaultValue = "2",
      description = "Unmeasured changes first (default: ${DEFAULT-VALUE}).")
  int warmupChanges;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      defaultValue = "5m",
      description = "Bound of connecting and of each change (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--echo",
      negatable = true,
      defaultValue = "true",
      description = "Measure the raw gRPC stream limit (default: on).")
  boolean echo;

  public PropagationScenario() {
    this(System.out, System.err);
  }

  public PropagationScenario(PrintStream out, PrintStream err) {
    super(out, err, "propagation", "Propagation benchmark");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    report.parameter("edges", edges);
    report.parameter("changes (measured)", changes);
    report.parameter(
        "edge client",
        "grpc-java EdgeSync.Sync streams, "
            + EdgeFleet.STREAMS_PER_CHANNEL
            + " per channel; ACK as soon as a snapshot/delta arrives");
    String route = BenchFixture.routeFqn(0);
    try (var central = EmbeddedCentral.create(run.keepData(), overrides).start();
        var api = new BenchApi(central.apiPort(), central.adminToken().orElse(null))) {
      report.machine(machine(central));
      log("propagation", "%s", report.machine().summary());
      double fixtureSeconds = BenchFixture.create(api, edges, 1, "propagation");
      var tokens = BenchFixture.tokens(api, edges, "propagation");
      report.figure(
          "projectionsSettleSeconds",
          BenchFixture.awaitProjections(
              central.managementPort(), java.time.Duration.ofMinutes(15), "propagation"));
      Resource[] variants = {
        BenchApi.parse(BenchFixture.route(0, 10)).get(0),
        BenchApi.parse(BenchFixture.route(0, 90)).get(0)
      };
      long[] receipt = new long[edges * changes];
      long[] ack = new long[edges * changes];
      long[] applyNanos = new long[changes];
      long[] statusNanos = new long[changes];
      long[] lastEdge = new long[changes];
      int ri = 0;
      long deltaBytes = 0;
      try (var fleet = new EdgeFleet(central.edgePort(), tokens, route)) {
        long c0 = System.nanoTime();
        fleet.connectAll();
        double connectSeconds =
            fleet.await("propagation: snapshots", e -> e.watchVersion() > 0 && e.inSync(), timeout);
        report.figure("connectAndSnapshotSeconds", Math.round(connectSeconds * 1000) / 1000.0);
        log(
            "propagation",
            "%,d edges connected, got their snapshot and ACKed in %.1f s",
            edges,
            (System.nanoTime() - c0) / 1e9);
        try (var progress =
            new Progress("propagation: changes", warmupChanges + changes, "changes")) {
          for (int i = 0; i < warmupChanges + changes; i++) {
            Resource r = variants[i % 2];
            long t0 = System.nanoTime();
            var resp = api.apply(List.of(r));
            long tAck = System.nanoTime();
            long version = resp.getResults(0).getVersion();
            fleet.await("change " + (i + 1), e -> e.watchVersion() >= version, timeout);
            // ACKs recorded at central: the route's status per cluster, polled.
            long statusAt = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
              var st =
                  api.clusters().getStatus(GetStatusRequest.newBuilder().setFqn(route).build());
              if (st.getResourceVersion() >= version
                  && st.getClustersCount() >= edges
                  && st.getClustersList().stream()
                      .allMatch(c -> c.getState() == SyncState.SYNC_APPLIED)) {
                statusAt = System.nanoTime();
                break;
              }
              Thread.sleep(20);
            }
            if (i >= warmupChanges) {
              int m = i - warmupChanges;
              applyNanos[m] = tAck - t0;
              statusNanos[m] = statusAt == 0 ? -1 : statusAt - tAck;
              long max = 0;
              for (var e : fleet.edges()) {
                receipt[ri] = Math.max(0, e.watchReceivedNanos() - tAck);
                ack[ri] = Math.max(0, e.watchAckedNanos() - tAck);
                max = Math.max(max, receipt[ri]);
                ri++;
                deltaBytes = Math.max(deltaBytes, e.lastMessageBytes());
              }
              lastEdge[m] = max;
            }
            progress.update(i + 1);
            Thread.sleep(200);
          }
        }
      }
      report.loadSample("afterPropagation");
      LatencyStats rs = report.latency("receipt", "delta received by edge", receipt, 0, false);
      LatencyStats as = report.latency("ack", "ACK sent by edge", ack, 1, true);
      LatencyStats aps = report.latency("apply", "Apply call (client-side)", applyNanos, 2, false);
      LatencyStats sts =
          report.latency(
              "allAckedAtCentral",
              "all ACKs recorded at central (status, polled 20 ms)",
              Arrays.stream(statusNanos).filter(n -> n >= 0).toArray(),
              3,
              false);
      LatencyStats last = LatencyStats.of(lastEdge);
      var rows = new ArrayList<List<String>>();
      rows.add(
          ScenarioReport.latencyRow(
              "**Apply ack → delta received by edge** (per edge × change)", rs));
      rows.add(ScenarioReport.latencyRow("Apply ack → ACK sent by edge", as));
      rows.add(ScenarioReport.latencyRow("Apply ack → last edge received (per change)", last));
      rows.add(
          ScenarioReport.latencyRow("Apply ack → all ACKs recorded at central (per change)", sts));
      rows.add(ScenarioReport.latencyRow("Apply call itself (client-side)", aps));
      if (echo) {
        int ackBytes =
            dev.trestle.protocol.v1.EdgeMessage.newBuilder()
                .setAck(
                    dev.trestle.protocol.v1.Ack.newBuilder()
                        .setVersion(1000)
                        .setSetHash("0".repeat(64)))
                .build()
                .getSerializedSize();
        log(
            "propagation",
            "raw gRPC limit: %,d streams, %,d-byte messages, %d rounds",
            edges,
            deltaBytes,
            changes);
        var er = EchoLimit.run(edges, (int) deltaBytes, ackBytes, changes);
        LatencyStats ers =
            report.latency(
                "echoReceipt", "raw gRPC push received (limit)", er.receiptNanos(), 4, false);
        LatencyStats eas =
            report.latency(
                "echoAck", "raw gRPC answer back at server (limit)", er.ackNanos(), 4, true);
        rows.add(
            ScenarioReport.latencyRow(
                "**limit**: raw gRPC push → received, same streams and size", ers));
        rows.add(
            ScenarioReport.latencyRow("limit: raw gRPC push → answer back at the server", eas));
        report.figure("echoMessageBytes", deltaBytes);
        report.figure(
            "ratioP50ToLimit",
            ers.p50Ms() > 0 ? Math.round(rs.p50Ms() / ers.p50Ms() * 10) / 10.0 : null);
      }
      report.figure("fixtureSeconds", Math.round(fixtureSeconds * 1000) / 1000.0);
      report.figure("deltaMessageBytes", deltaBytes);
      report.figure("targets", "p50 <= 50 ms, p99 <= 250 ms at 1,000 edges");
      report.figure("uptimeAtEnd", ScenarioReport.uptime());
      report.latencyChart(
          String.format(
              Locale.ROOT,
              "Propagation of one ServiceRoute change to %,d edges (%d changes)",
              edges,
              changes),
          250);
      report.markdown(
          "## Figures\n\n"
              + "Targets: p50 ≤ 50 ms, p99 ≤ 250 ms at 1,000 edges. Times from the moment the Apply"
              + " response arrived at the client.\n\n"
              + ScenarioReport.table(ScenarioReport.LATENCY_HEADERS, rows));
      report.note(
          "Each edge is its own cluster (c00001…) reporting namespace `bench`; workspace `*/bench`,"
              + " one TRAFFIC group, one ServiceRoute whose weights flip 90/10 ↔ 10/90 per change,"
              + " so every change re-translates every cluster.");
      report.note(
          "Edges and central share this JVM and the machine's cores; the edge-side ACK is sent"
              + " right after receipt (a simulated edge applies nothing).");
      report.write(out, err);
      return 0;
    }
  }
}
