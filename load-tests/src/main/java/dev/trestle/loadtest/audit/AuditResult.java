package dev.trestle.loadtest.audit;

import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.MachineFacts;
import java.util.List;
import java.util.Map;

/** Everything one run of the audit scenario measured; written as result.json. */
public record AuditResult(
    String scenario,
    String startedAt,
    String finishedAt,
    double durationSeconds,
    MachineFacts machine,
    SystemLoad systemLoad,
    Parameters parameters,
    Dataset dataset,
    AuditBulkLoader.LoadStats load,
    List<AuditBulkLoader.ProbeStats> insertProbes,
    Queries queries,
    List<AuditQueryDiagnostics.Diagnosis> diagnostics,
    Map<String, String> files) {

  /**
   * The 1-minute system load average (runnable processes, all of the machine) when the run started,
   * when the load finished and at the end. Above the core count, other processes competed for the
   * CPUs and the latencies include that.
   */
  public record SystemLoad(double atStart, double afterLoad, double atEnd) {}

  public record Parameters(
      long rows,
      int queries,
      int warmup,
      int pageSize,
      int followUpPages,
      int batchSize,
      int days,
      double refusedShare,
      double timeLimitSeconds,
      long seed,
      double targetP99Ms,
      String client,
      String authentication,
      int copies) {}

  public record Dataset(
      int resources, int principals, int kinds, long databaseBytes, double databaseBytesPerRow) {}

  public record Queries(
      int measured,
      int warmup,
      int errors,
      boolean timeLimitReached,
      double measuredSeconds,
      long liveRowsWritten,
      long gcCount,
      long gcMillis,
      LatencyStats overall,
      LatencyStats firstPages,
      LatencyStats followUpPages,
      List<Series> series) {}

  public record Series(
      String series,
      String shape,
      int page,
      String parameters,
      LatencyStats latency,
      double meanRows,
      double meanRowsExamined,
      int emptyPages,
      int partialPages,
      int errors,
      String firstError,
      Double coldMs,
      boolean meetsTarget,
      List<Double> samplesMs) {}
}
