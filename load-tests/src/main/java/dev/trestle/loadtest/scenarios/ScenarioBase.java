package dev.trestle.loadtest.scenarios;

import dev.trestle.loadtest.EmbeddedCentral;
import dev.trestle.loadtest.MachineFacts;
import dev.trestle.loadtest.RunOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** What the edge and write scenarios share: options, output streams, server configuration. */
public abstract class ScenarioBase implements Callable<Integer> {
  @Mixin protected RunOptions run = new RunOptions();
  protected final PrintStream out;
  protected final PrintStream err;
  protected Path lastRunDirectory;

  @picocli.CommandLine.Option(
      names = "--server-config",
      paramLabel = "KEY=VALUE",
      description =
          "Extra server configuration for this run (repeatable), e.g."
              + " jdbc-read-journal.journal-sequence-retrieval.query-delay=100ms; recorded in the"
              + " results.")
  protected Map<String, String> serverConfig = new LinkedHashMap<>();

  protected ScenarioBase(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
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
    err.println("[" + scenario + "] " + String.format(java.util.Locale.ROOT, fmt, args));
  }
}
