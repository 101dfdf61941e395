package dev.trestle.loadtest.scenarios;

import com.sun.management.OperatingSystemMXBean;
import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.Progress;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.Resource;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue #8: config changes/s accepted with N concurrent clients, beside the raw batched INSERT rate
 * of journal-sized rows into the same database in the same run.
 */
@Command(
    name = "writes",
    mixinStandardHelpOptions = true,
    description =
        "Config changes/s: --clients concurrent gRPC clients each Apply one small ServiceRoute"
            + " update at a time on their own routes; then the raw batched INSERT rate of rows of"
            + " the journal rows' size into the same H2 database (the limit).")
public final class WritesScenario extends ScenarioBase {
  @Option(
      names = "--clients",
      defaultValue = "16",
      description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--routes-per-client",
      defaultValue = "4",
      description = "Distinct routes each client updates round robin (default: ${DEFAULT-VALUE}).")
  int routesPerClient;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      defaultValue = "30s",
      description = "Measured phase (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      converter = DurationConverter.class,
      defaultValue = "5s",
      description = "Unmeasured writes first (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(
      names = "--raw-rows",
      defaultValue = "200000",
      description = "Rows for the raw INSERT limit (default: ${DEFAULT-VALUE}).")
  int rawRows;

  @Option(
      names = "--raw-batch",
      defaultValue = "1000",
      description = "Rows per batch and commit (default: ${DEFAULT-VALUE}).")
  int rawBatch;

  @Option(
      names = "--raw-time-limit",
      converter = DurationConverter.class,
      defaultValue = "20s",
      description = "Bound of each raw INSERT probe (default: ${DEFAULT-VALUE}).")
  Duration rawTimeLimit;

  public WritesScenario() {
    this(System.out, System.err);
  }

  public WritesScenario(PrintStream out, PrintStream err) {
    super(out, err, "writes", "Write throughput benchmark");
  }

  @Override
  protected int measure(ScenarioReport report, Map<String, Object> overrides) throws Exception {
    report.parameter("clients", clients);
    report.parameter("routes per client", routesPerClient);
    report.parameter("measured seconds", duration.toSeconds());
    report.parameter("warm-up seconds", warmup.toSeconds());
    report.parameter(
        "client",
        "grpc-java blocking stubs, one ManagementService.Apply (1 ServiceRoute, weights 90/10 <->"
            + " 10/90) in flight per client, one shared channel");
    try (var central = EmbeddedCentral.create(run.keepData(), overrides).start();
        var api = new BenchApi(central.apiPort(), central.adminToken().orElse(null))) {
      report.machine(machine(central));
      log("writes", "%s", report.machine().summary());
      int routes = clients * routesPerClient;
      BenchFixture.create(api, 0, routes, "writes");
      BenchFixture.awaitProjections(central.managementPort(), Duration.ofMinutes(15), "writes");
      // Two pre-parsed variants per route, so every Apply is a real change (UPDATED).
      var variants = new ArrayList<Resource[]>();
      for (int i = 0; i < routes; i++) {
        variants.add(
            new Resource[] {
              BenchApi.parse(BenchFixture.route(i, 10)).get(0),
              BenchApi.parse(BenchFixture.route(i, 90)).get(0)
            });
      }
      long journalBefore = JournalRows.maxOrdering(central.storage());
      int seconds = (int) duration.toSeconds();
      var perSecond = new AtomicLongArray(seconds + 1);
      var accepted = new AtomicLong();
      var errors = new AtomicLong();
      var firstError = new AtomicReference<String>();
      var latencies = new ArrayList<long[]>();
      long start = System.nanoTime();
      long measureFrom = start + warmup.toNanos();
      long end = measureFrom + duration.toNanos();
      var threads = new ArrayList<Thread>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        long[] lat = new long[2_000_000];
        latencies.add(lat);
        int[] count = new int[1];
        Thread t =
            new Thread(
                () -> {
                  var stub = api.management();
                  int n = 0;
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    int route = client * routesPerClient + (n % routesPerClient);
                    Resource r = variants.get(route)[(n / routesPerClient) % 2];
                    n++;
                    try {
                      var resp =
                          stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                              .apply(ApplyRequest.newBuilder().addResources(r).build());
                      long t1 = System.nanoTime();
                      var outcome = resp.getResults(0).getOutcome();
                      if (outcome == ApplyOutcome.UPDATED || outcome == ApplyOutcome.UNCHANGED) {
                        if (t0 >= measureFrom && t1 <= end) {
                          accepted.incrementAndGet();
                          perSecond.incrementAndGet(
                              (int) Math.min(seconds, (t1 - measureFrom) / 1_000_000_000L));
                          if (count[0] < lat.length) {
                            lat[count[0]++] = t1 - t0;
                          }
                        }
                      } else {
                        errors.incrementAndGet();
                        firstError.compareAndSet(
                            null, outcome + " " + resp.getResults(0).getError());
                      }
                    } catch (RuntimeException e) {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, e.toString());
                    }
                  }
                  lat[lat.length - 1] = count[0]; // count in the last slot
                },
                "writer-" + c);
        threads.add(t);
        t.start();
      }
      // CPU time of this JVM (central and the clients) over the measured window: a per-write cost
      // that stays comparable when other jobs share the cores, unlike the rate itself.
      long cpuAtStart = -1;
      try (var progress = new Progress("writes", seconds, "s")) {
        while (System.nanoTime() < end) {
          if (cpuAtStart < 0 && System.nanoTime() >= measureFrom) {
            cpuAtStart = processCpuNanos();
          }
          Thread.sleep(250);
          long s = Math.max(0, (System.nanoTime() - measureFrom) / 1_000_000_000L);
          progress.update(
              Math.min(seconds, s),
              String.format(
                  Locale.ROOT,
                  "%,d accepted%s",
                  accepted.get(),
                  errors.get() > 0 ? ", " + errors.get() + " error(s)" : ""));
        }
      }
      long cpuNanos = processCpuNanos() - cpuAtStart;
      for (Thread t : threads) {
        t.join();
      }
      var all = new ArrayList<Long>();
      for (long[] lat : latencies) {
        int n = (int) lat[lat.length - 1];
        for (int i = 0; i < n; i++) {
          all.add(lat[i]);
        }
      }
      long[] samples = all.stream().mapToLong(Long::longValue).toArray();
      double rate = accepted.get() / (double) duration.toNanos() * 1e9;
      report.loadSample("afterWrites");
      // What one accepted write left in the journal: rows and payload size.
      long[] journal = JournalRows.since(central.storage(), journalBefore);
      double payloadBytes = journal[0] == 0 ? 300 : (double) journal[1] / journal[0];
      log(
          "writes",
          "%,.0f writes/s accepted (%,d in %d s, %d errors); journal rows: %,d, mean payload %,.0f"
              + " B",
          rate,
          accepted.get(),
          seconds,
          errors.get(),
          journal[0],
          payloadBytes);

      double[] series = new double[seconds];
      for (int i = 0; i < seconds; i++) {
        series[i] = perSecond.get(i);
      }
      LatencyStats stats = report.latency("applyLatency", "Apply, client-side", samples, 0, false);
      report.throughput("acceptedPerSecond", "writes accepted/s (" + clients + " clients)", series);
      report.latencyChart("Apply latency (client-side), " + clients + " clients", 0);
      report.throughputChart(
          "Config writes accepted per second, " + clients + " clients, embedded H2", "writes/s");

      // The limit: raw batched INSERTs of rows of the same size into the same database.
      var rawBatched =
          RawInsert.run(
              central.storage(),
              "bench_raw_batched",
              rawRows,
              rawBatch,
              (int) Math.round(payloadBytes),
              rawTimeLimit);
      var rawSingle =
          RawInsert.run(
              central.storage(),
              "bench_raw_single",
              rawRows,
              1,
              (int) Math.round(payloadBytes),
              rawTimeLimit);
      report.loadSample("atEnd");
      double ratio = rate / rawBatched.rowsPerSecond();
      report.figure("acceptedWrites", accepted.get());
      report.figure("errors", errors.get());
      report.figure("firstError", firstError.get());
      report.figure("writesPerSecond", Math.round(rate * 10) / 10.0);
      report.figure(
          "journalRowsPerWrite",
          accepted.get() == 0
              ? 0
              : Math.round(journal[0] * 100.0 / Math.max(1, accepted.get() + errors.get()))
                  / 100.0);
      report.figure("journalPayloadBytesMean", Math.round(payloadBytes));
      double cpuMsPerWrite = accepted.get() == 0 ? 0 : cpuNanos / 1e6 / accepted.get();
      report.figure("cpuMsPerWrite", Math.round(cpuMsPerWrite * 1000) / 1000.0);
      report.figure(
          "cpuCoresUsed", Math.round(cpuNanos / (double) duration.toNanos() * 100) / 100.0);
      report.figure("rawInsertBatched", rawBatched);
      report.figure("rawInsertSingleRowCommits", rawSingle);
      report.figure("ratioToRawBatched", Math.round(ratio * 1000) / 1000.0);
      report.figure("targetWritesPerSecond", 5000);
      report.figure("targetRatio", 0.25);
      report.figure("uptimeAtEnd", ScenarioReport.uptime());
      report.markdown(
          "## Figures\n\n"
              + ScenarioReport.table(
                  List.of("figure", "value", "target"),
                  List.of(
                      List.of(
                          "**config writes accepted/s** (" + clients + " clients)",
                          ScenarioReport.num(rate),
                          "≥ 5,000"),
                      List.of(
                          "raw batched INSERT rows/s ("
                              + rawBatch
                              + " per commit, "
                              + Math.round(payloadBytes)
                              + " B payload) — the limit",
                          ScenarioReport.num(rawBatched.rowsPerSecond()),
                          ""),
                      List.of(
                          "**ratio** writes / raw batched INSERT",
                          String.format(Locale.ROOT, "%.1f %%", ratio * 100),
                          "≥ 25 %"),
                      List.of(
                          "raw INSERT, one row per commit, rows/s",
                          ScenarioReport.num(rawSingle.rowsPerSecond()),
                          ""),
                      List.of(
                          "CPU of the bench JVM (central + clients) per accepted write, ms",
                          String.format(Locale.ROOT, "%.2f", cpuMsPerWrite),
                          ""),
                      List.of(
                          "cores used by the bench JVM while writing",
                          String.format(
                              Locale.ROOT, "%.2f", cpuNanos / (double) duration.toNanos()),
                          ""),
                      List.of("errors", Long.toString(errors.get()), "0")))
              + "\n"
              + ScenarioReport.table(
                  ScenarioReport.LATENCY_HEADERS,
                  List.of(ScenarioReport.latencyRow("Apply (client-side)", stats))));
      report.note(
          "The server's per-principal write limit (trestle.limits.writes-per-second, default 100/s"
              + " with a burst of 1,000) is raised to 1,000,000 for this run; every client uses the"
              + " initial administrator's token.");
      report.note(
          central.storage().isPostgres()
              ? "Storage: the postgres profile ("
                  + central.storage().describe()
                  + "; fsync and synchronous_commit as the server is configured). The raw INSERTs"
                  + " use the same database and settings."
              : "Storage: the embedded profile (H2 file, WRITE_DELAY=0: each commit is written to"
                  + " the file at commit; H2 does not fsync per commit). The raw INSERTs use the"
                  + " same database and settings.");
      report.write(out, err);
      return errors.get() > 0 ? 1 : 0;
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : 0;
  }
}
