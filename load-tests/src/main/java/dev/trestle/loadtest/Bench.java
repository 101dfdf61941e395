package dev.trestle.loadtest;

import dev.trestle.loadtest.audit.AuditScenario;
import dev.trestle.loadtest.parse.ParseScenario;
import dev.trestle.loadtest.scrape.ScrapeScenario;
import dev.trestle.loadtest.telemetry.TelemetryScenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Benchmark harness: one subcommand per scenario. Each run starts a real central node in this JVM,
 * is bounded in size and time, prints progress on stderr and a summary on stdout, and writes {@code
 * result.json}, {@code result.md} and a latency chart to its own directory under {@code
 * load-tests/results/}. Run it with {@code ./trestle bench <scenario>} (docs/benchmarks.md).
 */
@Command(
    name = "trestle bench",
    mixinStandardHelpOptions = true,
    description = "Runs a benchmark scenario against an embedded central node.",
    subcommands = {
      AuditScenario.class,
      dev.trestle.loadtest.scenarios.WritesScenario.class,
      dev.trestle.loadtest.scenarios.PropagationScenario.class,
      dev.trestle.loadtest.scenarios.HeartbeatsScenario.class,
      dev.trestle.loadtest.scenarios.FanoutScenario.class,
      dev.trestle.loadtest.scenarios.RecoveryScenario.class,
      dev.trestle.loadtest.scenarios.CrossClusterScenario.class,
      ParseScenario.class,
      ScrapeScenario.class,
      TelemetryScenario.class,
      CommandLine.HelpCommand.class
    })
public final class Bench implements Runnable {

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}
