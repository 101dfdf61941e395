package dev.trestle.loadtest;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every scenario shares: where results go and what happens to the data directory. */
public final class RunOptions {
  /** Set by load-tests/run-bench.sh to the repository's load-tests/results. */
  public static final String RESULTS_PROPERTY = "trestle.bench.results";

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Parent directory of the run directory (default: load-tests/results of the repository).")
  Path out;

  @Option(
      names = "--keep-data",
      description = "Keep the central node's temporary data directory (H2 files) after the run.")
  boolean keepData;

  @Option(
      names = "--seed",
      description = "Seed of the generated data and query parameters (default: ${DEFAULT-VALUE}).",
      defaultValue = "20250101")
  long seed;

  public Path resultsRoot() {
    if (out != null) {
      return out;
    }
    String configured = System.getProperty(RESULTS_PROPERTY);
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of("load-tests", "results");
  }

  public boolean keepData() {
    return keepData;
  }

  public long seed() {
    return seed;
  }

  /** For tests and programmatic runs. */
  public static RunOptions of(Path out, long seed) {
    var o = new RunOptions();
    o.out = out;
    o.seed = seed;
    return o;
  }
}
