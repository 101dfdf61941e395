package dev.trestle.loadtest.audit;

import dev.trestle.loadtest.LatencyChart;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.RunDirectory;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The Markdown view of one run (result.md, also printed at the end). */
final class AuditReport {
  private static final Pattern INDEX =
      Pattern.compile("/\\* (PUBLIC\\.[A-Z0-9_]+)(?:: ([^*]*?))? \\*/");
  private static final Pattern SCAN = Pattern.compile("scanCount: (\\d+)");

  private AuditReport() {}

  static String markdown(AuditResult r) {
    var p = r.parameters();
    var l = r.load();
    var q = r.queries();
    var sb = new StringBuilder();
    sb.append("# Audit query benchmark, ").append(r.startedAt()).append("\n\n");
    sb.append("Machine: ")
        .append(r.machine().summary())
        .append(". Commit ")
        .append(r.machine().trestleCommit())
        .append(".\n\n");
    var load = r.systemLoad();
    sb.append(
        f(
            "System load average (1 min) at start %.1f, after the load %.1f, at the end %.1f, on %d"
                + " cores%s%n%n",
            load.atStart(),
            load.afterLoad(),
            load.atEnd(),
            r.machine().cores(),
            Math.max(load.atStart(), load.atEnd()) > r.machine().cores()
                ? ": **other processes competed for the CPUs during this run; the latencies include"
                    + " that.**"
                : "."));
    sb.append("A real central node (default configuration, storage profile `")
        .append(r.machine().storageProfile())
        .append(
            "`: H2 file database under a temporary data directory) runs in the same JVM as the load"
                + " generator; ")
        .append(p.client())
        .append("; authentication: ")
        .append(p.authentication())
        .append(".\n\n");

    sb.append("## Data\n\n");
    sb.append(
        f(
            "%,d rows over %d days: %d principals, %d kinds, %,d resources, %.1f %% refused. ",
            l.rows(),
            p.days(),
            l.distinctPrincipals(),
            r.dataset().kinds(),
            r.dataset().resources(),
            100.0 * l.refusedRows() / Math.max(1, l.rows())));
    sb.append(
        f(
            "Database files after the load: %,.0f MiB (%,.0f bytes per row).%n%n",
            r.dataset().databaseBytes() / 1048576.0, r.dataset().databaseBytesPerRow()));
    sb.append(
            "Loaded before the node started, on its JDBC URL (`WRITE_DELAY=0`) with the server's"
                + " DDL: the table,")
        .append(
            " then the rows (batched INSERTs, one commit per batch), then the server's CREATE INDEX"
                + " statements.\n\n");
    sb.append("| bulk load | value |\n|---|---:|\n");
    sb.append(f("| rows | %,d |%n", l.rows()));
    sb.append(f("| copies of each generated row (`--copies`) | %d |%n", p.copies()));
    sb.append(f("| batch size (rows per executeBatch + commit) | %,d |%n", l.batchSize()));
    sb.append(f("| insert time (executeBatch + commit) | %.1f s |%n", l.insertSeconds()));
    sb.append(
        f(
            "| **insert rate, table with primary key and unique (source_pid, source_seq)** |"
                + " **%,.0f rows/s** |%n",
            l.rowsPerSecondInsert()));
    for (var e : l.indexBuildSeconds().entrySet()) {
      sb.append(f("| build %s | %.1f s |%n", e.getKey(), e.getValue()));
    }
    sb.append(
        f(
            "| whole load incl. generating rows and indexes | %.1f s = %,.0f rows/s |%n%n",
            l.wallSeconds(), l.rowsPerSecondOverall()));
    if (r.insertProbes() != null && !r.insertProbes().isEmpty()) {
      sb.append(
          "After the queries, more rows into the full table (all five indexes) while the node"
              + " runs:\n\n");
      sb.append(
          "| insert probe | table rows before | rows | time | **rows/s** |\n"
              + "|---|---:|---:|---:|---:|\n");
      for (var pr : r.insertProbes()) {
        sb.append(
            f(
                "| %s%s | %,d | %,d | %.1f s | **%,.0f** |%n",
                pr.description(),
                pr.timeLimitReached() ? " (time limit reached)" : "",
                pr.tableRowsBefore(),
                pr.rows(),
                pr.seconds(),
                pr.rowsPerSecond()));
      }
      sb.append('\n');
    }

    sb.append("## Query latency\n\n");
    sb.append(
        f(
            "%,d measured calls in %.1f s after %,d warm-up calls; page size %d, %d follow-up"
                + " page(s) per query; client-side milliseconds per call. Before every call"
                + " (untimed) one new audit row is committed, as on a live node (%,d during warm-up"
                + " and measurement); this also keeps H2 from answering a repeated query from its"
                + " result cache. GC during the measured phase: %d collections, %,d ms.%s%n%n",
            q.measured(),
            q.measuredSeconds(),
            q.warmup(),
            p.pageSize(),
            p.followUpPages(),
            q.liveRowsWritten(),
            q.gcCount(),
            q.gcMillis(),
            q.timeLimitReached() ? " **The time limit ended the phase early.**" : ""));
    sb.append(
        f(
            "| series | n | p50 | p90 | p99 | max | rows/page | rows examined/page | partial pages"
                + " (scan budget) | empty pages | cold (1st call) | p99 ≤ %s ms |%n",
            num(p.targetP99Ms())));
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n");
    for (var s : q.series()) {
      row(
          sb,
          s.series(),
          s.latency(),
          f("%.1f | %,.0f | %d", s.meanRows(), s.meanRowsExamined(), s.partialPages()),
          Integer.toString(s.emptyPages()),
          s.coldMs() == null ? "" : num(s.coldMs()),
          s.latency().count() == 0 ? "–" : s.meetsTarget() ? "yes" : "**no**");
    }
    row(
        sb,
        "*all first pages*",
        q.firstPages(),
        " | | ",
        "",
        "",
        q.firstPages().p99Ms() <= p.targetP99Ms() ? "yes" : "**no**");
    row(
        sb,
        "*all follow-up pages*",
        q.followUpPages(),
        " | | ",
        "",
        "",
        q.followUpPages().p99Ms() <= p.targetP99Ms() ? "yes" : "**no**");
    row(
        sb,
        "**overall**",
        q.overall(),
        " | | ",
        "",
        "",
        q.overall().p99Ms() <= p.targetP99Ms() ? "yes" : "**no**");
    if (q.errors() > 0) {
      sb.append(
          f(
              "%n**%d calls failed** (not in the figures); first error per series in"
                  + " result.json.%n",
              q.errors()));
    }
    sb.append("\nSeries parameters:\n\n");
    for (var s : q.series()) {
      if (s.page() == 1) {
        sb.append("- ").append(s.shape()).append(": ").append(s.parameters()).append('\n');
      }
    }

    if (!r.diagnostics().isEmpty()) {
      sb.append("\n## Slowest call of each series, repeated and explained\n\n");
      sb.append(
          "Repeated up to 3× over gRPC (once if it took over 2 s) with H2 query statistics on (DB ="
              + " time inside H2 per execution), then `EXPLAIN ANALYZE` (full plans in"
              + " explain.txt).\n\n");
      sb.append(
          "| series | call | measured | repeats (min–max) | DB avg | index used (condition) | rows"
              + " scanned |\n");
      sb.append("|---|---|---:|---:|---:|---|---:|\n");
      for (var d : r.diagnostics()) {
        double min = d.repeatedMs().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = d.repeatedMs().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        sb.append("| ")
            .append(d.series())
            .append(" | ")
            .append(d.request().replace("|", "\\|"))
            .append(" | ")
            .append(num(d.measuredMs()))
            .append(" | ")
            .append(num(min))
            .append("–")
            .append(num(max))
            .append(" | ")
            .append(d.dbAverageMs() == null ? "" : num(d.dbAverageMs()))
            .append(" | ")
            .append(d.note().isEmpty() ? index(d.plan()) : d.note())
            .append(" | ")
            .append(scanned(d.plan()))
            .append(" |\n");
      }
    }
    sb.append("\nFiles: ").append(String.join(", ", r.files().values())).append('\n');
    return sb.toString();
  }

  static String explainText(AuditResult r) {
    var sb = new StringBuilder();
    for (var d : r.diagnostics()) {
      sb.append("== ").append(d.series()).append(": ").append(d.request()).append('\n');
      sb.append("measured ")
          .append(num(d.measuredMs()))
          .append(" ms; repeated ")
          .append(d.repeatedMs())
          .append(" ms; in H2 avg ")
          .append(d.dbAverageMs())
          .append(" ms, max ")
          .append(d.dbMaxMs())
          .append(" ms\n");
      sb.append("SQL: ").append(d.sql()).append('\n');
      sb.append("values: ").append(d.values()).append('\n');
      if (!d.note().isEmpty()) {
        sb.append("note: ").append(d.note()).append('\n');
      }
      sb.append("EXPLAIN ANALYZE:\n").append(d.plan()).append("\n\n");
    }
    return sb.toString();
  }

  /** "PUBLIC.TRESTLE_AUDIT_PRINCIPAL_IDX (PRINCIPAL = ?3)" or a table scan. */
  static String index(String plan) {
    var m = INDEX.matcher(plan);
    if (!m.find()) {
      return "";
    }
    String idx = m.group(1).replace("PUBLIC.", "");
    String cond = m.group(2) == null ? "" : " (" + m.group(2).strip().replace("|", "\\|") + ")";
    String sorted = plan.contains("/* index sorted */") ? ", index sorted" : ", then sorted";
    return "`" + idx + "`" + cond + sorted;
  }

  static String scanned(String plan) {
    var m = SCAN.matcher(plan);
    return m.find() ? f("%,d", Long.parseLong(m.group(1))) : "";
  }

  private static void row(
      StringBuilder sb,
      String name,
      LatencyStats s,
      String rows,
      String empty,
      String cold,
      String ok) {
    sb.append("| ")
        .append(name)
        .append(" | ")
        .append(s.count())
        .append(" | ")
        .append(num(s.p50Ms()))
        .append(" | ")
        .append(num(s.p90Ms()))
        .append(" | ")
        .append(num(s.p99Ms()))
        .append(" | ")
        .append(num(s.maxMs()))
        .append(" | ")
        .append(rows)
        .append(" | ")
        .append(empty)
        .append(" | ")
        .append(cold)
        .append(" | ")
        .append(ok)
        .append(" |\n");
  }

  static String num(double ms) {
    return ms >= 100 ? f("%,.0f", ms) : ms >= 10 ? f("%.1f", ms) : f("%.2f", ms);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** The latency chart of every series: solid lines for first pages, dashed for next pages. */
  static void writeChart(
      RunDirectory dir, AuditResult r, List<SeriesRecorder> series, LocalDate date)
      throws IOException {
    var chartSeries = new ArrayList<LatencyChart.Series>();
    for (var s : series) {
      chartSeries.add(
          new LatencyChart.Series(s.label(), s.samples(), s.shape.ordinal(), s.page > 1));
    }
    var p = r.parameters();
    LatencyChart.write(
        dir.file(RunDirectory.CHART),
        String.format(
            Locale.ROOT,
            "Audit query latency, %,d rows, embedded H2 (%d calls, page size %d)",
            p.rows(),
            r.queries().measured(),
            p.pageSize()),
        r.machine().cores()
            + " cores, "
            + r.machine().jvm()
            + ", "
            + date
            + "; client-side gRPC time per call; solid = first page, dashed = next page",
        chartSeries,
        p.targetP99Ms());
  }
}
