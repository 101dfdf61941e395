package dev.trestle.loadtest.audit;

import dev.trestle.loadtest.JfrProfile;
import dev.trestle.loadtest.LatencyStats;
import dev.trestle.loadtest.Progress;
import dev.trestle.loadtest.RunDirectory;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The client loop of the audit benchmark: unmeasured warm-up calls (the first call of each series
 * is kept as "cold"), then the measured calls within a time limit, optionally under a Java Flight
 * Recording, summarised as {@link AuditResult.Queries}.
 */
final class AuditMeasurement {
  /** What the loop measured: one recorder per series and their summary. */
  record Outcome(List<SeriesRecorder> series, AuditResult.Queries queries) {}

  /** The loop's bounds and targets, as the scenario's options give them. */
  record Plan(
      AuditQueryShape[] shapes,
      int followUpPages,
      int warmup,
      int queries,
      Duration timeLimit,
      double targetP99Ms,
      boolean jfr) {}

  private AuditMeasurement() {}

  static Outcome run(
      Plan plan,
      AuditQueryRunner runner,
      AuditQueryMix mix,
      LiveWriter liveWriter,
      RunDirectory dir,
      Map<String, String> files,
      PrintStream err)
      throws Exception {
    AuditQueryShape[] shapes = plan.shapes();
    List<SeriesRecorder> series = new ArrayList<>();
    Map<String, SeriesRecorder> byKey = new LinkedHashMap<>();
    for (AuditQueryShape shape : shapes) {
      for (int page = 1; page <= 1 + plan.followUpPages(); page++) {
        var s = new SeriesRecorder(shape, page);
        byKey.put(shape + "/" + page, s);
        series.add(s);
      }
    }

    // warm-up: the first call of each series right after the load is kept as "cold"
    int warmup = plan.warmup();
    int done = 0;
    int next = 0;
    try (var progress = new Progress("warm-up", warmup, "calls")) {
      while (done < warmup) {
        for (var s :
            runner.run(shapes[next % shapes.length], mix.firstPage(shapes[next % shapes.length]))) {
          byKey.get(s.shape() + "/" + s.page()).cold(s);
          done++;
        }
        next++;
        progress.update(Math.min(done, warmup));
      }
    }

    int queries = plan.queries();
    JfrProfile profile = plan.jfr() ? JfrProfile.start() : null;
    long gcCount0 = gcCount();
    long gcMillis0 = gcMillis();
    long m0 = System.nanoTime();
    long deadline = m0 + plan.timeLimit().toNanos();
    boolean timedOut = false;
    done = 0;
    int errors = 0;
    next = 0;
    try (var progress = new Progress("measure", queries, "calls")) {
      while (done < queries) {
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
        AuditQueryShape shape = shapes[next++ % shapes.length];
        for (var s : runner.run(shape, mix.firstPage(shape))) {
          if (done >= queries) {
            break;
          }
          byKey.get(s.shape() + "/" + s.page()).add(s);
          if (s.error() != null) {
            errors++;
          }
          done++;
        }
        progress.update(done, errors > 0 ? errors + " error(s)" : "");
      }
    }
    double measuredSeconds = (System.nanoTime() - m0) / 1e9;
    long gcCount = gcCount() - gcCount0;
    long gcMillis = gcMillis() - gcMillis0;
    if (profile != null) {
      Path jfrFile = profile.stopAndDump(dir.file("measure.jfr"));
      profile.close();
      files.put("jfr", "measure.jfr");
      dir.writeText(
          "hot-methods.txt",
          JfrProfile.hotMethods(
              jfrFile, 30, "org.h2.", "dev.trestle.", "io.grpc.", "org.apache.pekko."));
      files.put("hotMethods", "hot-methods.txt");
    }
    if (timedOut) {
      err.printf(
          "[audit] time limit of %d s reached after %,d of %,d calls%n",
          plan.timeLimit().toSeconds(), done, queries);
    }

    var seriesResults = new ArrayList<AuditResult.Series>();
    var first = new ArrayList<long[]>();
    var follow = new ArrayList<long[]>();
    for (var s : series) {
      LatencyStats st = s.stats();
      seriesResults.add(
          new AuditResult.Series(
              s.label(),
              s.shape.label(),
              s.page,
              s.shape.description(),
              st,
              round1(s.meanRows()),
              round1(s.meanRowsExamined()),
              s.emptyPages(),
              s.partialPages(),
              s.errors(),
              s.firstError(),
              s.coldMs() == null ? null : round3(s.coldMs()),
              st.count() > 0 && st.p99Ms() <= plan.targetP99Ms(),
              LongStream.of(s.samples())
                  .mapToObj(n -> Math.round(n / 1_000.0) / 1_000.0)
                  .toList()));
      (s.page == 1 ? first : follow).add(s.samples());
    }
    var all = new ArrayList<long[]>(first);
    all.addAll(follow);
    var queryResult =
        new AuditResult.Queries(
            done - errors,
            warmup,
            errors,
            timedOut,
            round3(measuredSeconds),
            liveWriter.written(),
            gcCount,
            gcMillis,
            LatencyStats.of(concat(all)),
            LatencyStats.of(concat(first)),
            LatencyStats.of(concat(follow)),
            seriesResults);
    return new Outcome(series, queryResult);
  }

  private static long[] concat(List<long[]> parts) {
    return parts.stream().flatMapToLong(LongStream::of).toArray();
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
        .filter(c -> c > 0)
        .sum();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
        .filter(c -> c > 0)
        .sum();
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
