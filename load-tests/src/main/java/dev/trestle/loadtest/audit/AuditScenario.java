package dev.trestle.loadtest.audit;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.MachineFacts;
import dev.trestle.loadtest.RunDirectory;
import dev.trestle.loadtest.RunOptions;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue: "a filtered, paged audit query over 1,000,000 rows answers in ≤ 50 ms at p99 on the
 * embedded default". Starts a central node, fills its audit table with realistic rows, then
 * measures filtered queries and their next pages over real gRPC, one call at a time.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Audit-log query latency over a large audit table on the embedded profile. Loads --rows"
            + " rows with batched JDBC INSERTs (reporting the insert rate), then runs --warmup"
            + " unmeasured and --queries measured gRPC AuditService.Query calls: filtered first"
            + " pages (subtree+since, principal, kind+operation, refused, text) and their next"
            + " pages.")
public final class AuditScenario implements Callable<Integer> {
  static final String CLIENT =
      "gRPC AuditService.Query from a grpc-java blocking stub over plaintext loopback, one call in"
          + " flight";

  @Mixin RunOptions run = new RunOptions();

  @Option(
      names = "--rows",
      description = "Audit rows to load (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000000")
  long rows;

  @Option(
      names = "--queries",
      description =
          "Measured query calls, first and follow-up pages together (default: ${DEFAULT-VALUE}).",
      defaultValue = "2000")
  int queries;

  @Option(
      names = "--warmup",
      description = "Unmeasured calls before measuring (default: ${DEFAULT-VALUE}).",
      defaultValue = "100")
  int warmup;

  @Option(
      names = "--page-size",
      description = "Page size of every query (default: ${DEFAULT-VALUE}, the API default).",
      defaultValue = "50")
  int pageSize;

  @Option(
      names = "--follow-up-pages",
      description =
          "Next pages fetched with the page token after each first page (default:"
              + " ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int followUpPages;

  @Option(
      names = "--batch-size",
      description = "Rows per INSERT batch and commit (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  int batchSize;

  @Option(
      names = "--days",
      description = "Time span of the rows, ending now (default: ${DEFAULT-VALUE}).",
      defaultValue = "90")
  int days;

  @Option(
      names = "--refused-share",
      description = "Share of refused attempts among rows (default: ${DEFAULT-VALUE}).",
      defaultValue = "0.05")
  double refusedShare;

  @Option(
      names = "--time-limit",
      converter = DurationConverter.class,
      description = "Bound of the measured phase, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).",
      defaultValue = "4m")
  Duration timeLimit;

  @Option(
      names = "--target-p99-ms",
      description = "Target p99 per series, marked in table and chart (default: ${DEFAULT-VALUE}).",
      defaultValue = "50")
  double targetP99Ms;

  @Option(
      names = "--probe-rows",
      description =
          "After the queries, rows inserted in batches into the full table to measure its insert"
              + " rate (default: ${DEFAULT-VALUE}; 0 = skip).",
      defaultValue = "10000")
  long probeRows;

  @Option(
      names = "--probe-single-rows",
      description =
          "After that, rows inserted one per commit (default: ${DEFAULT-VALUE}; 0 = skip).",
      defaultValue = "1000")
  long probeSingleRows;

  @Option(
      names = "--probe-time-limit",
      converter = DurationConverter.class,
      description = "Bound of each insert probe (default: ${DEFAULT-VALUE}).",
      defaultValue = "60s")
  Duration probeTimeLimit;

  @Option(
      names = "--explain",
      negatable = true,
      defaultValue = "true",
      description =
          "After measuring, repeat and EXPLAIN ANALYZE the slowest call of each series (default:"
              + " on).")
  boolean explain;

  @Option(
      names = "--shapes",
      split = ",",
      paramLabel = "SHAPE",
      description =
          "Only these query shapes, by label: subtree+since, principal, kind+operation, refused,"
              + " text, floor (default: all).")
  List<String> shapeLabels;

  @Option(
      names = "--jfr",
      description =
          "Record a Java Flight Recording of the measured phase (measure.jfr, hot-methods.txt).")
  boolean jfr;

  @Option(
      names = "--copies",
      defaultValue = "1",
      description =
          "Write each generated row this many times (consecutive ids, times 1 µs apart): the same"
              + " history as many times as dense, for tables the generator cannot fill in"
              + " reasonable time (default: ${DEFAULT-VALUE}).")
  int copies;

  @Option(
      names = "--data-dir",
      description =
          "Use and keep this data directory: the rows are loaded when its audit table is missing,"
              + " and reused when it holds at least --rows rows (a 10,000,000-row load takes long;"
              + " measure it again without reloading). Default: a new temporary directory.")
  Path dataDir;

  private final PrintStream out;
  private final PrintStream err;

  public AuditScenario() {
    this(System.out, System.err);
  }

  AuditScenario(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The directory of the last run (for tests). */
  private Path lastRunDirectory;

  Path lastRunDirectory() {
    return lastRunDirectory;
  }

  @Override
  public Integer call() throws Exception {
    if (rows < 1
        || queries < 1
        || warmup < 0
        || pageSize < 1
        || pageSize > 1000
        || batchSize < 1
        || days < 1
        || followUpPages < 0
        || refusedShare < 0
        || refusedShare > 1
        || probeRows < 0
        || probeSingleRows < 0
        || copies < 1
        || rows % copies != 0) {
      err.println(
          "audit: invalid sizes (rows, queries, batch size, copies >= 1; rows a multiple of copies;"
              + " page size 1..1000; refused share 0..1)");
      return 2;
    }
    try {
      selectedShapes();
    } catch (IllegalArgumentException e) {
      err.println("audit: " + e.getMessage());
      return 2;
    }
    ZonedDateTime started = ZonedDateTime.now(Clock.systemUTC());
    long t0 = System.nanoTime();
    double loadAtStart = loadAverage();
    RunDirectory dir = RunDirectory.create(run.resultsRoot(), "audit", started);
    lastRunDirectory = dir.path();
    err.println("[audit] results: " + dir.path());

    AuditDataset dataset = AuditDataset.generate(run.seed());
    var files = new LinkedHashMap<String, String>();
    AuditResult.Queries queryResult;
    AuditBulkLoader.LoadStats load;
    List<AuditQueryDiagnostics.Diagnosis> diagnoses = List.of();
    MachineFacts machine;
    long dbBytes;
    List<SeriesRecorder> series = List.of();
    double loadAfterLoad;
    List<AuditBulkLoader.ProbeStats> probes;
    String authentication = "none";
    LiveWriter liveWriter = null;

    try (EmbeddedCentral central =
        dataDir != null
            ? EmbeddedCentral.open(dataDir, Map.of())
            : EmbeddedCentral.create(run.keepData())) {
      err.println(
          "[audit] data "
              + central.dataDir()
              + (run.keepData() || dataDir != null ? " (kept)" : " (deleted afterwards)"));
      // The rows go in before the node starts, through the node's own JDBC URL and DDL.
      var generator =
          new AuditRowGenerator(
              dataset, run.seed() + 1, rows / copies, days, refusedShare, started.toInstant());
      long present = AuditBulkLoader.rowsPresent(central.storage());
      if (present >= rows) {
        err.printf("[audit] reusing %,d rows in %s%n", present, central.dataDir());
        load = AuditBulkLoader.reuse(generator, present, rows, copies);
      } else if (present > 0) {
        err.printf(
            "[audit] %s holds %,d rows, fewer than --rows %,d: use another directory%n",
            central.dataDir(), present, rows);
        return 2;
      } else {
        load = AuditBulkLoader.prefill(central.storage(), generator, rows, batchSize, copies);
      }
      dbBytes = central.databaseBytes();
      loadAfterLoad = loadAverage();
      err.printf(
          "[audit] loaded %,d rows: %,.0f rows/s inserting, indexes built in %.1f s, %,.0f rows/s"
              + " overall; database %,.0f MiB%n",
          rows,
          load.rowsPerSecondInsert(),
          load.indexSeconds(),
          load.rowsPerSecondOverall(),
          dbBytes / 1048576.0);

      central.start();
      String database;
      try (var c = central.storage().openConnection()) {
        var md = c.getMetaData();
        database = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
      }
      machine = MachineFacts.collect(central.settings().storageProfile(), database);
      err.println("[audit] " + machine.summary());
      if (loadAtStart > machine.cores()) {
        err.printf(
            "[audit] warning: system load average %.1f on %d cores; other processes compete for the"
                + " CPUs and the latencies will include that%n",
            loadAtStart, machine.cores());
      }
      err.println("[audit] central node on 127.0.0.1:" + central.apiPort());

      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
              .build();
      try {
        var headers = new Metadata();
        headers.put(Metadata.Key.of("x-trestle-user", Metadata.ASCII_STRING_MARSHALLER), "bench");
        var token = central.adminToken();
        token.ifPresent(
            t ->
                headers.put(
                    Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + t));
        authentication =
            token.isPresent()
                ? "bearer token of the initial administrator"
                : "none (the node asks for none)";
        err.println("[audit] authentication: " + authentication);
        var stub =
            AuditServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        liveWriter = new LiveWriter(central.storage(), generator);
        var runner = new AuditQueryRunner(stub, followUpPages, liveWriter::writeOne);
        var mix = new AuditQueryMix(dataset, run.seed() + 2, pageSize, Clock.systemUTC());
        var plan =
            new AuditMeasurement.Plan(
                selectedShapes(), followUpPages, warmup, queries, timeLimit, targetP99Ms, jfr);
        var outcome = AuditMeasurement.run(plan, runner, mix, liveWriter, dir, files, err);
        series = outcome.series();
        queryResult = outcome.queries();

        if (explain) {
          err.println("[audit] repeating and explaining the slowest call of each series…");
          diagnoses =
              AuditQueryDiagnostics.diagnose(
                  central.storage(), runner, series, central.settings().auditScanBudget());
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (liveWriter != null) {
          liveWriter.close();
        }
      }

      // After all queries: how fast the live, fully indexed table takes more rows.
      var probeList = new ArrayList<AuditBulkLoader.ProbeStats>();
      if (probeRows > 0) {
        generator.extend(probeRows, 1);
        probeList.add(
            AuditBulkLoader.probe(
                central.storage(), generator, probeRows, batchSize, probeTimeLimit));
      }
      if (probeSingleRows > 0) {
        generator.extend(probeSingleRows, 1);
        probeList.add(
            AuditBulkLoader.probe(
                central.storage(), generator, probeSingleRows, 1, probeTimeLimit));
      }
      for (var pr : probeList) {
        err.printf(
            "[audit] insert probe, %s: %,d rows in %.1f s = %,.0f rows/s%n",
            pr.description(), pr.rows(), pr.seconds(), pr.rowsPerSecond());
      }
      probes = probeList;
    }

    ZonedDateTime finished = ZonedDateTime.now(Clock.systemUTC());
    files.put("json", RunDirectory.JSON);
    files.put("markdown", RunDirectory.MARKDOWN);
    files.put("chart", RunDirectory.CHART);
    if (explain) {
      files.put("explain", "explain.txt");
    }
    var result =
        new AuditResult(
            "audit",
            started.toString(),
            finished.toString(),
            AuditMeasurement.round3((System.nanoTime() - t0) / 1e9),
            machine,
            new AuditResult.SystemLoad(
                AuditMeasurement.round1(loadAtStart),
                AuditMeasurement.round1(loadAfterLoad),
                AuditMeasurement.round1(loadAverage())),
            new AuditResult.Parameters(
                rows,
                queries,
                warmup,
                pageSize,
                followUpPages,
                batchSize,
                days,
                refusedShare,
                timeLimit.toMillis() / 1000.0,
                run.seed(),
                targetP99Ms,
                CLIENT,
                authentication,
                copies),
            new AuditResult.Dataset(
                dataset.resourceCount(),
                dataset.principals().size(),
                Kind.values().length,
                dbBytes,
                AuditMeasurement.round1((double) dbBytes / rows)),
            load,
            probes,
            queryResult,
            diagnoses,
            files);

    dir.writeJson(result);
    String md = AuditReport.markdown(result);
    dir.writeText(RunDirectory.MARKDOWN, md);
    if (explain) {
      dir.writeText("explain.txt", AuditReport.explainText(result));
    }
    AuditReport.writeChart(dir, result, series, started.toLocalDate());

    out.println(md);
    err.println("[audit] wrote " + dir.path());
    return queryResult.errors() > 0 ? 1 : 0;
  }

  private AuditQueryShape[] selectedShapes() {
    if (shapeLabels == null || shapeLabels.isEmpty()) {
      return AuditQueryShape.values();
    }
    return shapeLabels.stream()
        .map(String::strip)
        .map(
            l ->
                Arrays.stream(AuditQueryShape.values())
                    .filter(sh -> sh.label().equals(l))
                    .findFirst()
                    .orElseThrow(
                        () -> new IllegalArgumentException("--shapes: unknown shape '" + l + "'")))
        .distinct()
        .toArray(AuditQueryShape[]::new);
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
