package dev.trestle.loadtest.scenarios;

import dev.trestle.loadtest.LatencyChart;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.MachineFacts;
import dev.trestle.loadtest.RunDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * Result of one run of a scenario: {@code result.json} (parameters, machine facts, system load,
 * server configuration, figures, samples), {@code result.md} (the same as tables) and a chart
 * ({@code latency.png} for latency distributions, {@code throughput.png} for rates over time).
 */
public final class ScenarioReport {
  private final String scenario;
  private final String title;
  private final RunDirectory dir;
  private final ZonedDateTime started = ZonedDateTime.now(Clock.systemUTC());
  private final long t0 = System.nanoTime();
  private final Map<String, Object> json = new LinkedHashMap<>();
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, Object> load = new LinkedHashMap<>();
  private final List<String> mdSections = new ArrayList<>();
  private final List<LatencyChart.Series> latency = new ArrayList<>();
  private final List<TimeSeriesChart.Series> throughput = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> serverConfig = new LinkedHashMap<>();
  private MachineFacts machine;
  private double targetMs;
  private String chartTitle = "";
  private String latencyTitle = "";
  private String chartUnit = "per second";

  public ScenarioReport(Path resultsRoot, String scenario, String title) throws IOException {
    this.scenario = scenario;
    this.title = title;
    this.dir = RunDirectory.create(resultsRoot, scenario, started);
    load.put("atStart", loadSample());
  }

  public Path dir() {
    return dir.path();
  }

  public void machine(MachineFacts facts) {
    this.machine = facts;
  }

  public MachineFacts machine() {
    return machine;
  }

  public void parameter(String key, Object value) {
    parameters.put(key, value);
  }

  public void serverConfig(Map<String, Object> overrides) {
    serverConfig.putAll(overrides);
  }

  public void figure(String key, Object value) {
    figures.put(key, value);
  }

  public void loadSample(String when) {
    load.put(when, loadSample());
  }

  public void note(String text) {
    notes.add(text);
  }

  /** A latency series: stats and samples in the JSON, a curve in latency.png. */
  public LatencyStats latency(String key, String label, long[] nanos, int colour, boolean dashed) {
    LatencyStats stats = LatencyStats.of(nanos);
    var entry = new LinkedHashMap<String, Object>();
    entry.put("label", label);
    entry.put("stats", stats);
    entry.put(
        "samplesMs",
        LongStream.of(nanos).mapToObj(n -> Math.round(n / 1_000.0) / 1_000.0).toList());
    figures.put(key, entry);
    latency.add(new LatencyChart.Series(label, nanos, colour, dashed));
    return stats;
  }

  public void latencyChart(String chartTitle, double targetMs) {
    this.latencyTitle = chartTitle;
    this.targetMs = targetMs;
  }

  /** A rate-over-time series (one value per second) for throughput.png. */
  public void throughput(String key, String label, double[] perSecond) {
    figures.put(
        key,
        java.util.Arrays.stream(perSecond).map(v -> Math.round(v * 10) / 10.0).boxed().toList());
    throughput.add(new TimeSeriesChart.Series(label, perSecond));
  }

  public void throughputChart(String chartTitle, String unit) {
    this.chartTitle = chartTitle;
    this.chartUnit = unit;
  }

  public void markdown(String section) {
    mdSections.add(section);
  }

  public static String table(List<String> headers, List<List<String>> rows) {
    var sb = new StringBuilder("| ").append(String.join(" | ", headers)).append(" |\n|");
    for (int i = 0; i < headers.size(); i++) {
      sb.append(i == 0 ? " --- |" : " ---: |");
    }
    sb.append('\n');
    for (var r : rows) {
      sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    return sb.toString();
  }

  public static List<String> latencyRow(String label, LatencyStats s) {
    return List.of(
        label,
        String.format(Locale.ROOT, "%,d", s.count()),
        ms(s.p50Ms()),
        ms(s.p90Ms()),
        ms(s.p99Ms()),
        ms(s.maxMs()));
  }

  public static final List<String> LATENCY_HEADERS =
      List.of("series", "n", "p50 ms", "p90 ms", "p99 ms", "max ms");

  public static String ms(double v) {
    return v >= 100
        ? String.format(Locale.ROOT, "%,.0f", v)
        : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  public static String num(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  /** Writes the three files, prints the Markdown on out; returns the run directory. */
  public Path write(PrintStream out, PrintStream err) throws IOException {
    load.put("atEnd", loadSample());
    ZonedDateTime finished = ZonedDateTime.now(Clock.systemUTC());
    json.put("scenario", scenario);
    json.put("started", started.toString());
    json.put("finished", finished.toString());
    json.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1e3);
    json.put("machine", machine);
    json.put("systemLoad", load);
    json.put("parameters", parameters);
    json.put("serverConfig", serverConfig);
    json.put("figures", figures);
    json.put("notes", notes);
    var files = new LinkedHashMap<String, String>();
    files.put("json", RunDirectory.JSON);
    files.put("markdown", RunDirectory.MARKDOWN);
    if (!latency.isEmpty()) {
      files.put("chart", RunDirectory.CHART);
    }
    if (!throughput.isEmpty()) {
      files.put("throughputChart", "throughput.png");
    }
    json.put("files", files);
    dir.writeJson(json);

    var md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("Run `")
        .append(dir.path().getFileName())
        .append("`, ")
        .append(started)
        .append(", commit ")
        .append(machine == null ? "?" : machine.trestleCommit())
        .append(".\n\n");
    if (machine != null) {
      md.append("Machine: ").append(machine.summary()).append(".\n\n");
    }
    md.append("System load (1/5/15 min, `/proc/loadavg`): ");
    var loads = new ArrayList<String>();
    load.forEach((k, v) -> loads.add(k + " " + v));
    md.append(String.join("; ", loads)).append(".\n\n");
    var prow = new ArrayList<List<String>>();
    parameters.forEach((k, v) -> prow.add(List.of(k, String.valueOf(v))));
    serverConfig.forEach((k, v) -> prow.add(List.of("server: `" + k + "`", String.valueOf(v))));
    md.append(table(List.of("parameter", "value"), prow)).append('\n');
    for (String s : mdSections) {
      md.append(s).append('\n');
    }
    for (String n : notes) {
      md.append("- ").append(n).append('\n');
    }
    dir.writeText(RunDirectory.MARKDOWN, md.toString());

    String subtitle =
        (machine == null ? "" : machine.cores() + " cores, " + machine.jvm() + ", ")
            + started.toLocalDate()
            + ", load at start "
            + load.get("atStart");
    if (!latency.isEmpty()) {
      LatencyChart.write(dir.file(RunDirectory.CHART), latencyTitle, subtitle, latency, targetMs);
    }
    if (!throughput.isEmpty()) {
      TimeSeriesChart.write(
          dir.file("throughput.png"), chartTitle, subtitle, chartUnit, throughput);
    }
    out.println(md);
    err.println("[" + scenario + "] wrote " + dir.path());
    return dir.path();
  }

  /** "/proc/loadavg" 1/5/15-minute figures, e.g. "4.21 5.02 6.10", or the JVM's 1-minute one. */
  public static String loadSample() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** The output of {@code uptime}, or empty. */
  public static String uptime() {
    try {
      Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor(5, TimeUnit.SECONDS);
      return s;
    } catch (IOException | RuntimeException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
