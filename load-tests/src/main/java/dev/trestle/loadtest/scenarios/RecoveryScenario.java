package dev.trestle.loadtest.scenarios;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.MachineFacts;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #8: restart central (child JVM, SIGTERM, same data directory and ports) with M entities and
 * N edges connected; time until every edge is re-admitted and at the current version.
 */
@Command(
    name = "recovery",
    mixinStandardHelpOptions = true,
    description =
        "Restart of central (child JVM) with --routes ServiceRoutes + --edges clusters and their"
            + " edges: time until every edge is re-admitted and holds central's current version."
            + " Edges retry every ~100 ms.")
public final class RecoveryScenario extends ScenarioBase {
  @Option(
      names = "--edges",
      defaultValue = "1000",
      description = "Simulated edges (default: ${DEFAULT-VALUE}).")
  int edges;

  @Option(
      names = "--routes",
      defaultValue = "1000",
      description = "Extra ServiceRoutes (entities) (default: ${DEFAULT-VALUE}).")
  int routes;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      defaultValue = "5m",
      description = "Bound of each phase (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--server-jvm-opts",
      split = " ",
      description = "JVM options of the central JVM (default: none).")
  List<String> serverJvmOpts = new ArrayList<>();

  public RecoveryScenario() {
    this(System.out, System.err);
  }

  public RecoveryScenario(PrintStream out, PrintStream err) {
    super(out, err, "recovery", "Recovery benchmark");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    report.parameter("edges", edges);
    report.parameter("routes", routes);
    report.parameter(
        "restart", "SIGTERM (coordinated shutdown), new JVM on the same data directory and ports");
    report.parameter(
        "edge retry",
        "a closed stream is reopened after 100–200 ms; the channels' connect backoff is reset every"
            + " 100 ms while edges are away");
    var reconnect = new AtomicBoolean(false);
    var sched = Executors.newScheduledThreadPool(2);
    try (var central =
        new ChildCentral(
            report.dir().resolve("central.log"), run.keepData(), overrides, serverJvmOpts)) {
      double firstStart = central.start();
      report.machine(MachineFacts.collect("embedded", "H2 (child JVM)"));
      log("recovery", "%s; central ready in %.1f s", report.machine().summary(), firstStart);
      List<String> tokens;
      try (var api = new BenchApi(central.apiPort(), central.adminToken())) {
        BenchFixture.create(api, edges, Math.max(1, routes), "recovery");
        tokens = BenchFixture.tokens(api, edges, "recovery");
        report.figure(
            "projectionsSettleSeconds",
            BenchFixture.awaitProjections(
                central.managementPort(), java.time.Duration.ofMinutes(15), "recovery"));
      }
      try (var fleet = new EdgeFleet(central.edgePort(), tokens, BenchFixture.routeFqn(0))) {
        for (int i = 0; i < fleet.edges().size(); i++) {
          var ch = fleet.channelFor(i);
          fleet
              .edges()
              .get(i)
              .onClosed(
                  e -> {
                    if (reconnect.get()) {
                      sched.schedule(
                          () -> e.connect(ch),
                          100 + ThreadLocalRandom.current().nextInt(100),
                          TimeUnit.MILLISECONDS);
                    }
                  });
        }
        reconnect.set(true);
        fleet.connectAll();
        fleet.await("recovery: connect", e -> e.inSync() && e.watchVersion() > 0, timeout);
        long versionBefore = fleet.edges().get(0).appliedVersion();
        log(
            "recovery",
            "%,d edges in sync at version %d; restarting central",
            edges,
            versionBefore);
        var backoff =
            sched.scheduleAtFixedRate(fleet::resetBackoff, 100, 100, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        double stopSeconds = central.stop();
        long tStart = System.nanoTime();
        double readySeconds = central.start();
        long tReady = System.nanoTime();
        double resync =
            fleet.await("recovery: resync", e -> e.sessions() >= 2 && e.inSync(), timeout);
        long tAll = System.nanoTime();
        backoff.cancel(false);
        long[] perEdge =
            fleet.edges().stream().mapToLong(e -> Math.max(0, e.welcomeNanos() - tStart)).toArray();
        report.loadSample("afterRecovery");
        LatencyStats st =
            report.latency(
                "welcomeAfterStart",
                "edge re-admitted (Welcome), since the new JVM was spawned",
                perEdge,
                0,
                false);
        double fromStart = (tAll - tStart) / 1e9;
        double fromReady = (tAll - tReady) / 1e9;
        double fromStop = (tAll - t0) / 1e9;
        report.figure("stopSeconds", Math.round(stopSeconds * 1000) / 1000.0);
        report.figure("startToReadySeconds", Math.round(readySeconds * 1000) / 1000.0);
        report.figure("allResyncedAfterReadySeconds", Math.round(fromReady * 1000) / 1000.0);
        report.figure("allResyncedAfterSpawnSeconds", Math.round(fromStart * 1000) / 1000.0);
        report.figure("allResyncedAfterStopSeconds", Math.round(fromStop * 1000) / 1000.0);
        report.figure("versionBefore", versionBefore);
        report.figure("versionAfter", fleet.edges().get(0).appliedVersion());
        report.figure(
            "snapshotsOrDeltasAfterRestart", "none needed when versions and hashes match");
        report.figure("target", "recovery <= 10 s");
        report.figure("uptimeAtEnd", ScenarioReport.uptime());
        report.latencyChart(
            String.format(
                Locale.ROOT, "Recovery: %,d edges re-admitted after a central restart", edges),
            10_000);
        report.markdown(
            "## Figures\n\nTarget: ≤ 10 s.\n\n"
                + ScenarioReport.table(
                    List.of("figure", "seconds", "target"),
                    List.of(
                        List.of(
                            "graceful stop (SIGTERM → process gone)",
                            String.format(Locale.ROOT, "%.2f", stopSeconds),
                            ""),
                        List.of(
                            "new JVM spawned → central ready",
                            String.format(Locale.ROOT, "%.2f", readySeconds),
                            ""),
                        List.of(
                            "ready → all edges re-admitted and at the current version",
                            String.format(Locale.ROOT, "%.2f", fromReady),
                            ""),
                        List.of(
                            "**spawn → all edges resynced**",
                            String.format(Locale.ROOT, "%.2f", fromStart),
                            "≤ 10"),
                        List.of(
                            "SIGTERM → all edges resynced (whole outage)",
                            String.format(Locale.ROOT, "%.2f", fromStop),
                            "")))
                + "\n"
                + ScenarioReport.table(
                    ScenarioReport.LATENCY_HEADERS,
                    List.of(ScenarioReport.latencyRow("per edge: spawn → Welcome", st))));
        report.note(
            String.format(
                Locale.ROOT,
                "Entities: %,d clusters (each with its cluster entity and edge), %,d ServiceRoutes,"
                    + " plus organization, tenant, workspace, group.",
                edges,
                routes));
        reconnect.set(false);
      }
      report.write(out, err);
      return 0;
    } finally {
      sched.shutdownNow();
    }
  }
}
