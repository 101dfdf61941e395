package dev.trestle.loadtest.scenarios;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #8: heartbeat events ingested per second from N simulated clusters. Every heartbeat is a
 * journaled event of the cluster's entity; ingestion is read from the journal (the sum over the
 * clusters' highest sequence numbers, which snapshots and event deletion leave in place).
 */
@Command(
    name = "heartbeats",
    mixinStandardHelpOptions = true,
    description =
        "Heartbeat ingestion: --clusters edges send heartbeats at --rate per second in total for"
            + " --duration; events journaled per second are read from the journal.")
public final class HeartbeatsScenario extends ScenarioBase {
  @Option(
      names = "--clusters",
      defaultValue = "200",
      description = "Simulated clusters (default: ${DEFAULT-VALUE}).")
  int clusters;

  @Option(
      names = "--rate",
      defaultValue = "20000",
      description =
          "Heartbeats offered per second, all clusters together (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description = "Sending phase (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--drain",
      converter = DurationConverter.class,
      defaultValue = "60s",
      description = "Bound of waiting for the backlog afterwards (default: ${DEFAULT-VALUE}).")
  Duration drain;

  public HeartbeatsScenario() {
    this(System.out, System.err);
  }

  public HeartbeatsScenario(PrintStream out, PrintStream err) {
    super(out, err, "heartbeats", "Heartbeat ingestion benchmark");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    report.parameter("clusters", clusters);
    report.parameter("offered heartbeats/s (all clusters)", rate);
    report.parameter("sending seconds", duration.toSeconds());
    report.parameter(
        "heartbeats/s per cluster",
        String.format(
            Locale.ROOT,
            "%.2f (one per %.2f s)",
            (double) rate / clusters,
            (double) clusters / rate));
    report.parameter(
        "heartbeat",
        "full inventory (namespace bench), unchanged each time; sent in 10 ms ticks round robin");
    try (var central = EmbeddedCentral.create(run.keepData(), overrides).start();
        var api = new BenchApi(central.apiPort(), central.adminToken().orElse(null))) {
      report.machine(machine(central));
      log("heartbeats", "%s", report.machine().summary());
      BenchFixture.create(api, clusters, 0, "heartbeats");
      var tokens = BenchFixture.tokens(api, clusters, "heartbeats");
      report.figure(
          "projectionsSettleSeconds",
          BenchFixture.awaitProjections(
              central.managementPort(), java.time.Duration.ofMinutes(15), "heartbeats"));
      try (var fleet = new EdgeFleet(central.edgePort(), tokens, null)) {
        fleet.connectAll();
        fleet.await("heartbeats: connect", SimEdge::inSync, Duration.ofMinutes(5));
        // Each connect turns its cluster HEALTHY, which re-translates the organization's clusters
        // (N² / 2 translations): let that finish so it is not counted against the heartbeats.
        report.figure(
            "projectionsSettleAfterConnectSeconds",
            BenchFixture.awaitProjections(
                central.managementPort(), java.time.Duration.ofMinutes(15), "heartbeats"));
        long base = journaled(central.storage());
        int seconds = (int) duration.toSeconds();
        var perSecond = new ArrayList<Double>();
        long sent = 0;
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        long nextSample = t0 + 1_000_000_000L;
        long prev = base;
        long atEndOfSending = -1;
        int next = 0;
        var edges = fleet.edges();
        try (var progress = new Progress("heartbeats: sending", seconds, "s")) {
          long tick = t0;
          while (System.nanoTime() < end) {
            tick += 10_000_000L;
            long due = (long) ((tick - t0) / 1e9 * rate);
            while (sent < due) {
              edges.get(next++ % edges.size()).heartbeat();
              sent++;
            }
            long now = System.nanoTime();
            if (now >= nextSample) {
              long j = journaled(central.storage());
              perSecond.add((double) (j - prev));
              prev = j;
              nextSample += 1_000_000_000L;
              progress.update(
                  (now - t0) / 1_000_000_000L,
                  String.format(Locale.ROOT, "%,d sent, %,d journaled", sent, j - base));
            }
            long sleep = tick - System.nanoTime();
            if (sleep > 0) {
              Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
          }
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        atEndOfSending = journaled(central.storage()) - base;
        // drain: until everything sent is journaled, or nothing more arrives for 3 s, or the bound
        long drainEnd = System.nanoTime() + drain.toNanos();
        long last = atEndOfSending;
        long lastChange = System.nanoTime();
        long lastGrowthAt = System.nanoTime();
        try (var progress = new Progress("heartbeats: backlog", sent, "events")) {
          while (System.nanoTime() < drainEnd) {
            Thread.sleep(1000);
            long j = journaled(central.storage()) - base;
            perSecond.add((double) (j - last));
            if (j != last) {
              lastChange = System.nanoTime();
              lastGrowthAt = lastChange;
            }
            last = j;
            progress.update(j);
            if (j >= sent || System.nanoTime() - lastChange > 3_000_000_000L) {
              break;
            }
          }
        }
        double totalSeconds = (lastGrowthAt - t0) / 1e9;
        double sustained = atEndOfSending / sendSeconds;
        double overall = last / Math.max(sendSeconds, totalSeconds);
        report.loadSample("afterHeartbeats");
        long dropped =
            Math.round(
                ChildCentral.metric(
                    metrics(central.managementPort()),
                    "trestle_edge_heartbeats_dropped_total",
                    null));
        report.figure("droppedByCentral", dropped);
        report.figure("sent", sent);
        report.figure("offeredPerSecond", Math.round(sent / sendSeconds));
        report.figure("journaledDuringSending", atEndOfSending);
        report.figure("journaledTotal", last);
        report.figure("ingestedPerSecondDuringSending", Math.round(sustained));
        report.figure("ingestedPerSecondIncludingBacklog", Math.round(overall));
        report.figure("secondsUntilLastJournaled", Math.round(totalSeconds * 1000) / 1000.0);
        report.figure("targetPerSecond", 10000);
        report.figure("uptimeAtEnd", ScenarioReport.uptime());
        report.throughput(
            "journaledPerSecond",
            "heartbeat events journaled/s",
            perSecond.stream().mapToDouble(Double::doubleValue).toArray());
        report.throughputChart(
            String.format(
                Locale.ROOT,
                "Heartbeat events journaled per second, %,d clusters, %,d/s offered",
                clusters,
                rate),
            "events/s");
        report.markdown(
            "## Figures\n\n"
                + ScenarioReport.table(
                    List.of("figure", "value", "target"),
                    List.of(
                        List.of("heartbeats offered/s", ScenarioReport.num(sent / sendSeconds), ""),
                        List.of(
                            "**heartbeat events ingested/s** while sending",
                            ScenarioReport.num(sustained),
                            "≥ 10,000"),
                        List.of(
                            "ingested/s including the backlog drained after sending",
                            ScenarioReport.num(overall),
                            ""),
                        List.of(
                            "sent / journaled",
                            String.format(Locale.ROOT, "%,d / %,d", sent, last),
                            ""),
                        List.of(
                            "dropped by central (a session held"
                                + " trestle.edge.max-pending-heartbeats)",
                            String.format(Locale.ROOT, "%,d", dropped),
                            ""))));
        report.note(
            "Ingested = journaled: the cluster entity persists every heartbeat as an event"
                + " (snapshot every trestle.clusters.snapshot-every events).");
        report.note(
            "Each edge session keeps one heartbeat write in flight (up to"
                + " trestle.edge.heartbeats-per-write heartbeats, one event each); the rest wait in"
                + " the session, at most trestle.edge.max-pending-heartbeats, beyond which they are"
                + " dropped and counted. Heartbeats offered above the ingest rate wait there; the"
                + " backlog drain is shown separately.");
        report.write(out, err);
        return last > 0 ? 0 : 1;
      }
    }
  }

  private static String metrics(int managementPort) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static long journaled(dev.trestle.storage.StorageSettings storage) throws Exception {
    try (var c = storage.openConnection();
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT COALESCE(SUM(m), 0) FROM (SELECT MAX(\"sequence_number\") m FROM"
                        + " \"event_journal\" WHERE \"persistence_id\" LIKE 'edge-cluster|%' GROUP"
                        + " BY \"persistence_id\")")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
