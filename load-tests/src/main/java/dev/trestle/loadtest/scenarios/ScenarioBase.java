package dev.trestle.loadtest.scenarios;

import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.MachineFacts;
import dev.trestle.loadtest.RunOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the edge and write scenarios share: options, output streams, server configuration, and the
 * start of every run ({@link #call()}: the results directory, the uptime, the server overrides in
 * the report) before the scenario's own {@link #measure}.
 */
public abstract class ScenarioBase implements Callable<Integer> {
  @Mixin protected RunOptions run = new RunOptions();
  protected final PrintStream out;
  protected final PrintStream err;
  protected Path lastRunDirectory;

  @Option(
      names = "--server-config",
      paramLabel = "KEY=VALUE",
      description =
          "Extra server configuration for this run (repeatable), e.g."
              + " jdbc-read-journal.journal-sequence-retrieval.query-delay=100ms; recorded in the"
              + " results.")
  protected Map<String, String> serverConfig = new LinkedHashMap<>();

  private final String name;
  private final String title;

  /**
   * {@code name}: the results directory's name and the log prefix, e.g. "writes"; {@code title}:
   * the report's title.
   */
  protected ScenarioBase(PrintStream out, PrintStream err, String name, String title) {
    this.out = out;
    this.err = err;
    this.name = name;
    this.title = title;
  }

  /** The scenario itself, reporting into {@code report}; returns the exit code. */
  protected abstract int measure(ScenarioReport report, Map<String, Object> overrides)
      throws Exception;

  @Override
  public final Integer call() throws Exception {
    var report = new ScenarioReport(run.resultsRoot(), name, title);
    lastRunDirectory = report.dir();
    log(name, "results: %s; uptime: %s", report.dir(), ScenarioReport.uptime());
    report.figure("uptimeAtStart", ScenarioReport.uptime());
    var overrides = serverOverrides();
    report.serverConfig(overrides);
    return measure(report, overrides);
  }

  public Path lastRunDirectory() {
    return lastRunDirectory;
  }

  /**
   * The bench's server configuration on top of the defaults: the per-principal write limit ({@code
   * trestle.limits.writes-per-second}, default 100/s, burst 1,000) raised so the fixture and the
   * write benchmark are not throttled, and a longer ask timeout for thousands of edges.
   */
  protected Map<String, Object> serverOverrides() {
    var m = new LinkedHashMap<String, Object>();
    m.put("trestle.limits.writes-per-second", 1_000_000);
    m.put("trestle.limits.write-burst", 1_000_000);
    m.put("trestle.api.ask-timeout", "60s");
    m.putAll(serverConfig);
    return m;
  }

  protected static MachineFacts machine(EmbeddedCentral central) throws Exception {
    try (var c = central.storage().openConnection()) {
      var md = c.getMetaData();
      return MachineFacts.collect(
          central.settings().storageProfile(),
          md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
    }
  }

  protected void log(String scenario, String fmt, Object... args) {
    err.println("[" + scenario + "] " + String.format(Locale.ROOT, fmt, args));
  }
}
