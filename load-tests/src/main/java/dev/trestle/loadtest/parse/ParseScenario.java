package dev.trestle.loadtest.parse;

import dev.trestle.loadtest.JfrProfile;
import dev.trestle.loadtest.MachineFacts;
import dev.trestle.loadtest.RunDirectory;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the document reader ({@link ResourceDocuments#parse}) alone, in one thread, on
 * generated ServiceRoute documents: MB/s of UTF-8 input per shape (many small documents, one
 * document with long lists, the same as JSON). No server: this is the cost a REST apply or a CLI
 * {@code -f} pays before anything else.
 */
@Command(
    name = "parse",
    mixinStandardHelpOptions = true,
    description = "Measures MB/s of the resource document reader (YAML and JSON).")
public final class ParseScenario implements Callable<Integer> {
  @Option(
      names = "--size-kib",
      defaultValue = "3072",
      description = "approximate input size per shape (default: ${DEFAULT-VALUE})")
  int sizeKib;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description =
          "measured seconds per shape, after as long a warm-up (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--jfr", description = "record the measured phase with Java Flight Recorder")
  boolean jfr;

  @Override
  public Integer call() throws Exception {
    ZonedDateTime started = ZonedDateTime.now();
    var dir =
        RunDirectory.create(
            Path.of(System.getProperty("trestle.bench.results", "load-tests/results")),
            "parse",
            started);
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("yaml-many-documents", ParseInputs.manyDocuments(sizeKib * 1024));
    inputs.put("yaml-one-long-document", ParseInputs.oneLongDocument(sizeKib * 1024));
    inputs.put("json-many-documents", ParseInputs.asJson(inputs.get("yaml-many-documents")));
    List<Map<String, Object>> rows = new ArrayList<>();
    JfrProfile profile = jfr ? JfrProfile.start() : null;
    var md =
        new StringBuilder(
            "| shape | input MB | documents | parses | MB/s (wall) | MB per CPU-second | CPU ms per"
                + " parse |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (var e : inputs.entrySet()) {
      String text = e.getValue();
      double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
      int documents = check(e.getKey(), ResourceDocuments.parse(text));
      run(text, seconds * 1_000_000_000L); // warm-up
      long[] measured = run(text, seconds * 1_000_000_000L);
      double secs = measured[1] / 1e9;
      double mbPerSecond = mb * measured[0] / secs;
      double cpuSecs = measured[2] / 1e9;
      double mbPerCpuSecond = mb * measured[0] / cpuSecs;
      var row = new LinkedHashMap<String, Object>();
      row.put("shape", e.getKey());
      row.put("inputMegabytes", mb);
      row.put("documents", documents);
      row.put("parses", measured[0]);
      row.put("megabytesPerSecond", mbPerSecond);
      row.put("millisPerParse", secs * 1000 / measured[0]);
      row.put("megabytesPerCpuSecond", mbPerCpuSecond);
      row.put("cpuMillisPerParse", cpuSecs * 1000 / measured[0]);
      rows.add(row);
      md.append(
          String.format(
              "| %s | %.2f | %d | %d | %.2f | %.2f | %.0f |%n",
              e.getKey(),
              mb,
              documents,
              measured[0],
              mbPerSecond,
              mbPerCpuSecond,
              cpuSecs * 1000 / measured[0]));
      System.err.printf(
          "%s: %.2f MB/s wall, %.2f MB per CPU-second%n", e.getKey(), mbPerSecond, mbPerCpuSecond);
    }
    if (profile != null) {
      Path rec = profile.stopAndDump(dir.file("measure.jfr"));
      dir.writeText("hot-methods.txt", JfrProfile.hotMethods(rec, 30, "dev.trestle", "com."));
      profile.close();
    }
    var result = new LinkedHashMap<String, Object>();
    result.put("scenario", "parse");
    result.put("started", started.toString());
    result.put("machine", MachineFacts.collect("none", "none"));
    result.put("sizeKib", sizeKib);
    result.put("secondsPerShape", seconds);
    result.put("shapes", rows);
    dir.writeJson(result);
    String summary = "## parse: run `" + dir.path().getFileName() + "`\n\n" + md;
    dir.writeText(RunDirectory.MARKDOWN, summary);
    System.out.println(summary);
    return 0;
  }

  private static int check(String shape, List<ParsedDocument> parsed) {
    for (ParsedDocument d : parsed) {
      if (d.error() != null) {
        throw new IllegalStateException(
            shape + ": " + d.position() + ": " + d.error().getMessage());
      }
    }
    return parsed.size();
  }

  /**
   * Parses repeatedly for about {@code nanos}; returns {parses, elapsed nanos, CPU nanos of this
   * thread}. CPU time is what compares on a shared machine, where wall time mostly measures the
   * other processes; the garbage collector's threads are not in it.
   */
  private static long[] run(String text, long nanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long n = 0;
    long elapsed;
    do {
      ResourceDocuments.parse(text);
      n++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < nanos);
    return new long[] {n, elapsed, threads.getCurrentThreadCpuTime() - cpuStart};
  }
}
