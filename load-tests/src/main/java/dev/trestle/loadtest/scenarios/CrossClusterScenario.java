package dev.trestle.loadtest.scenarios;

import static dev.trestle.loadtest.scenarios.CrossClusterChanges.CYCLE;
import static dev.trestle.loadtest.scenarios.CrossClusterChanges.NS;
import static dev.trestle.loadtest.scenarios.CrossClusterChanges.expectedEdges;
import static dev.trestle.loadtest.scenarios.CrossClusterChanges.inventory;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.scenarios.CrossClusterChanges.Change;
import dev.trestle.loadtest.scenarios.CrossClusterChanges.Tally;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #5 point 2: desired-state messages and bytes sent per change of one service across N
 * clusters (docs/multicluster.md, "Measuring messages and bytes per change"). N simulated edges
 * (real gRPC) each report namespace {@code demo}, service {@code demo/svc} with healthy endpoints
 * and an EAST_WEST gateway, so every cluster gets a ServiceEntry for the others; clusters 1..3 also
 * report namespace {@code demo2} and service {@code demo2/other}. After the initial state has
 * settled, cluster 1's heartbeat inventory changes one service at a time; per change, the
 * snapshots/deltas and their serialized bytes received by all edges are counted.
 */
@Command(
    name = "crosscluster",
    mixinStandardHelpOptions = true,
    description =
        "Messages and bytes per change of one service across --clusters N clusters (e.g."
            + " 10,100,1000): cluster 1's demo/svc healthy endpoints 2 -> 0 -> 2, a count change"
            + " that stays above zero, and a service present in only 3 clusters; counts the"
            + " snapshots/deltas and bytes all edges receive.")
public final class CrossClusterScenario extends ScenarioBase {
  @Option(
      names = "--clusters",
      split = ",",
      defaultValue = "10,100",
      description = "Cluster counts, one run each (default: ${DEFAULT-VALUE}).")
  List<Integer> clusters;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description = "Rounds of the change cycle per N (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      defaultValue = "10m",
      description = "Bound of connecting/settling and of each change (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--quiet",
      converter = DurationConverter.class,
      defaultValue = "1s",
      description =
          "No desired-state message for this long ends a change (default: ${DEFAULT-VALUE}).")
  Duration quiet;

  public CrossClusterScenario() {
    this(System.out, System.err);
  }

  public CrossClusterScenario(PrintStream out, PrintStream err) {
    super(out, err, "crosscluster", "Cross-cluster messages and bytes per change");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    report.parameter("clusters", clusters);
    report.parameter("rounds of the change cycle", rounds);
    report.parameter("quiet period ending a change", quiet.toString());
    report.parameter(
        "edge client",
        "grpc-java EdgeSync.Sync streams, "
            + EdgeFleet.STREAMS_PER_CHANNEL
            + " per channel; ACK as soon as a snapshot/delta arrives; heartbeat every 2 s");
    var perN = new ArrayList<Map<String, Object>>();
    var summaryRows = new ArrayList<List<String>>();
    var detailRows = new ArrayList<List<String>>();
    boolean allAsExpected = true;
    for (int n : clusters) {
      var r = runOne(n, overrides, report);
      perN.add(r);
      @SuppressWarnings("unchecked")
      var kinds = (List<Map<String, Object>>) r.get("changes");
      var remove = kinds.get(0);
      var restore = kinds.get(1);
      var above = kinds.get(2);
      var other = kinds.get(4);
      summaryRows.add(
          List.of(
              String.format(Locale.ROOT, "%,d", n),
              String.valueOf(r.get("fixtureSeconds")),
              String.valueOf(r.get("settleSeconds")),
              String.format(
                  Locale.ROOT,
                  "%,d / %,d",
                  (long) r.get("initialMessages"),
                  (long) r.get("initialBytes")),
              fmt(remove.get("messagesPerChange")) + " / " + fmt(remove.get("bytesPerChange")),
              fmt(remove.get("edgesReachedPerChange")),
              fmt(restore.get("messagesPerChange")) + " / " + fmt(restore.get("bytesPerChange")),
              fmt(remove.get("bytesPerMessage")),
              fmt(above.get("messagesPerChange")),
              fmt(other.get("messagesPerChange"))
                  + " / "
                  + fmt(other.get("edgesReachedPerChange"))));
      for (var k : kinds) {
        allAsExpected &= ((Number) k.get("changesNotAsExpected")).longValue() == 0;
        detailRows.add(
            List.of(
                String.format(Locale.ROOT, "%,d", n),
                String.valueOf(k.get("change")),
                String.valueOf(k.get("changes")),
                String.valueOf(k.get("expectedEdgesPerChange")),
                fmt(k.get("edgesReachedPerChange")),
                fmt(k.get("messagesPerChange")),
                fmt(k.get("bytesPerChange")),
                fmt(k.get("bytesPerMessage")),
                String.valueOf(k.get("changesNotAsExpected"))));
      }
    }
    report.figure("perClusterCount", perN);
    report.figure("allChangesAsExpected", allAsExpected);
    report.figure("uptimeAtEnd", ScenarioReport.uptime());
    report.markdown(
        "## Figures\n\n"
            + "Per change of one service in cluster c00001: desired-state messages (snapshots +"
            + " deltas) received by all edges, their serialized bytes (`CentralMessage`), and how"
            + " many edges received anything. Expected (docs/multicluster.md): N-1 edges, one"
            + " message each, when the endpoint goes or comes back; 0 when the count stays above"
            + " zero; 2 for a service in only 3 clusters.\n\n"
            + ScenarioReport.table(
                List.of(
                    "clusters",
                    "fixture s",
                    "settle s",
                    "initial msgs / bytes (all edges)",
                    "2→0: msgs / bytes per change",
                    "2→0: edges reached",
                    "0→2: msgs / bytes",
                    "bytes per msg",
                    "2→1: msgs",
                    "3-cluster service: msgs / edges"),
                summaryRows)
            + "\n### Per change kind\n\n"
            + ScenarioReport.table(
                List.of(
                    "clusters",
                    "change",
                    "n",
                    "expected edges",
                    "edges reached",
                    "msgs per change",
                    "bytes per change",
                    "bytes per msg",
                    "not as expected"),
                detailRows));
    report.note(
        "Each cluster c00001… reports namespace `demo`, service `demo/svc` (port 8080, 2"
            + " endpoints), an EAST_WEST gateway with its own address and port `tls` 15443 and its"
            + " own network; c00001…c00003 also `demo2/other`. Workspace `*/demo`, no routes: every"
            + " object received is cross-cluster (ServiceEntry/DestinationRule).");
    report.note(
        "A change is one heartbeat of c00001 with a changed inventory; it ends when the"
            + " desired-state projection has no pending events (node /health) and no edge received"
            + " anything for the quiet period. Counts are differences of per-edge counters before"
            + " and after.");
    report.note(
        "Initial msgs / bytes: everything all edges received from connecting until settled (every"
            + " edge's inventory re-publishes to the others: O(N²) in total, once).");
    report.write(out, err);
    return 0;
  }

  private static String fmt(Object v) {
    if (v instanceof Number num) {
      double d = num.doubleValue();
      return d == Math.rint(d)
          ? String.format(Locale.ROOT, "%,.0f", d)
          : String.format(Locale.ROOT, "%,.1f", d);
    }
    return String.valueOf(v);
  }

  private Map<String, Object> runOne(int n, Map<String, Object> overrides, ScenarioReport report)
      throws Exception {
    String phase = "crosscluster N=" + n;
    var result = new LinkedHashMap<String, Object>();
    result.put("clusters", n);
    try (var central = EmbeddedCentral.create(run.keepData(), overrides).start();
        var api = new BenchApi(central.apiPort(), central.adminToken().orElse(null))) {
      if (report.machine() == null) {
        report.machine(machine(central));
        log("crosscluster", "%s", report.machine().summary());
      }
      double fixtureSeconds = BenchFixture.create(api, n, 0, phase, NS);
      result.put("fixtureSeconds", round3(fixtureSeconds));
      var tokens = BenchFixture.tokens(api, n, phase);
      BenchFixture.awaitProjections(central.managementPort(), timeout, phase);
      var heartbeats =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                var t = new Thread(r, "crosscluster-heartbeats");
                t.setDaemon(true);
                return t;
              });
      try (var fleet =
          new EdgeFleet(central.edgePort(), tokens, null, i -> inventory(i + 1, 2, 2))) {
        long s0 = System.nanoTime();
        fleet.connectAll();
        heartbeats.scheduleAtFixedRate(
            () -> fleet.edges().forEach(SimEdge::heartbeat), 2, 2, TimeUnit.SECONDS);
        result.put(
            "connectAndSnapshotSeconds",
            round3(fleet.await(phase + ": snapshots", SimEdge::inSync, timeout)));
        BenchFixture.awaitProjections(central.managementPort(), timeout, phase + " (inventories)");
        awaitQuiet(fleet);
        result.put("settleSeconds", round3((System.nanoTime() - s0) / 1e9));
        result.put(
            "initialMessages", fleet.edges().stream().mapToLong(SimEdge::desiredMessages).sum());
        result.put("initialBytes", fleet.edges().stream().mapToLong(SimEdge::desiredBytes).sum());
        long withEntry = fleet.count(e -> e.serviceEntryObjects() > 0);
        result.put("edgesWithServiceEntry", withEntry);
        if (n > 1 && withEntry < n) {
          throw new IllegalStateException(
              phase + ": only " + withEntry + " of " + n + " edges received a ServiceEntry");
        }
        log(
            "crosscluster",
            "N=%,d: settled in %.1f s; initial %,d messages, %,d bytes",
            n,
            (System.nanoTime() - s0) / 1e9,
            result.get("initialMessages"),
            result.get("initialBytes"));
        var tallies = new ArrayList<Tally>();
        CYCLE.forEach(c -> tallies.add(new Tally()));
        SimEdge first = fleet.edges().get(0);
        for (int round = 0; round < rounds; round++) {
          for (int k = 0; k < CYCLE.size(); k++) {
            Change c = CYCLE.get(k);
            int expected = expectedEdges(c, n);
            long[] msgs0 = fleet.edges().stream().mapToLong(SimEdge::desiredMessages).toArray();
            long[] bytes0 = fleet.edges().stream().mapToLong(SimEdge::desiredBytes).toArray();
            first.inventory(inventory(1, c.svcHealthy(), c.otherHealthy()));
            first.heartbeat();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && reached(fleet, msgs0) < expected) {
              Thread.sleep(10);
            }
            BenchFixture.awaitProjections(
                central.managementPort(), timeout, phase + ": change " + (k + 1));
            awaitQuiet(fleet);
            var t = tallies.get(k);
            t.changes++;
            long reached = 0;
            for (int i = 0; i < n; i++) {
              var e = fleet.edges().get(i);
              long dm = e.desiredMessages() - msgs0[i];
              long db = e.desiredBytes() - bytes0[i];
              t.messages += dm;
              t.bytes += db;
              if (dm > 0) {
                reached++;
                t.maxMessageBytes = Math.max(t.maxMessageBytes, db / dm);
              }
            }
            t.edgesReached += reached;
            if (reached != expected) {
              t.unexpected++;
            }
            log(
                "crosscluster",
                "N=%,d round %d: %s: %,d edges reached (expected %,d)",
                n,
                round + 1,
                c.name(),
                reached,
                expected);
          }
        }
        var kinds = new ArrayList<Map<String, Object>>();
        for (int k = 0; k < CYCLE.size(); k++) {
          kinds.add(tallies.get(k).json(CYCLE.get(k), n));
        }
        result.put("changes", kinds);
      } finally {
        heartbeats.shutdownNow();
      }
      report.loadSample("afterN" + n);
    }
    return result;
  }

  private static long reached(EdgeFleet fleet, long[] msgs0) {
    long r = 0;
    for (int i = 0; i < msgs0.length; i++) {
      if (fleet.edges().get(i).desiredMessages() > msgs0[i]) {
        r++;
      }
    }
    return r;
  }

  /** Until no edge has received a snapshot/delta for the quiet period. */
  private void awaitQuiet(EdgeFleet fleet) throws InterruptedException {
    long q = quiet.toNanos();
    while (true) {
      long last = fleet.edges().stream().mapToLong(SimEdge::lastDesiredNanos).max().orElse(0);
      long since = System.nanoTime() - last;
      if (since >= q) {
        return;
      }
      Thread.sleep(Math.max(10, (q - since) / 1_000_000));
    }
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
