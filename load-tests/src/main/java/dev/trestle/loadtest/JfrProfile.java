package dev.trestle.loadtest;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Java Flight Recorder recording of this JVM (the central node and the load generator share it)
 * with the JDK's "profile" settings, and a plain-text summary of where the CPU samples fell.
 */
public final class JfrProfile implements AutoCloseable {
  private final Recording recording;

  private JfrProfile(Recording recording) {
    this.recording = recording;
  }

  public static JfrProfile start() throws IOException {
    try {
      var r = new Recording(Configuration.getConfiguration("profile"));
      r.setName("trestle-bench");
      r.start();
      return new JfrProfile(r);
    } catch (ParseException e) {
      throw new IOException("JFR profile settings unreadable: " + e.getMessage(), e);
    }
  }

  public Path stopAndDump(Path file) throws IOException {
    recording.stop();
    recording.dump(file);
    return file;
  }

  @Override
  public void close() {
    recording.close();
  }

  /**
   * Top methods by CPU samples: "self" (the sampled frame) and "total" (anywhere on the stack, once
   * per sample), the latter limited to frames whose class starts with one of the prefixes.
   */
  public static String hotMethods(Path jfr, int top, String... totalPrefixes) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    int samples = 0;
    var pauses = new java.util.ArrayList<Double>();
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (e.getEventType().getName().equals("jdk.GarbageCollection")) {
        pauses.add(e.getDuration("sumOfPauses").toNanos() / 1e6);
        continue;
      }
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      samples++;
      var frames = e.getStackTrace().getFrames();
      if (!frames.isEmpty()) {
        self.merge(name(frames.get(0)), 1, Integer::sum);
      }
      var seen = new HashSet<String>();
      for (RecordedFrame f : frames) {
        String n = name(f);
        for (String p : totalPrefixes) {
          if (n.startsWith(p) && seen.add(n)) {
            total.merge(n, 1, Integer::sum);
          }
        }
      }
    }
    var sb = new StringBuilder();
    pauses.sort(null);
    sb.append(
        String.format(
            Locale.ROOT,
            "GC (jdk.GarbageCollection): %d collections, pauses total %.0f ms, median %.1f ms,"
                + " longest %.1f ms%n",
            pauses.size(),
            pauses.stream().mapToDouble(Double::doubleValue).sum(),
            pauses.isEmpty() ? 0.0 : pauses.get(pauses.size() / 2),
            pauses.isEmpty() ? 0.0 : pauses.get(pauses.size() - 1)));
    sb.append("CPU samples (jdk.ExecutionSample): ").append(samples).append("\n\n");
    sb.append("Top ").append(top).append(" methods by self samples:\n");
    append(sb, self, samples, top);
    sb.append("\nTop ")
        .append(top)
        .append(" methods by total samples (on the stack), classes ")
        .append(String.join(", ", totalPrefixes))
        .append(":\n");
    append(sb, total, samples, top);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Map<String, Integer> counts, int samples, int top) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                sb.append(
                    String.format(
                        Locale.ROOT,
                        "%7d %5.1f%%  %s%n",
                        e.getValue(),
                        100.0 * e.getValue() / Math.max(1, samples),
                        e.getKey())));
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
