package dev.trestle.loadtest;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress indicator on stderr. On a terminal it redraws one line at most four times a
 * second; otherwise (CI, redirected output) it prints a line every five seconds. The final line
 * always stays. Safe to update from several threads.
 */
public final class Progress implements AutoCloseable {
  private final String phase;
  private final long total;
  private final String unit;
  private final PrintStream out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private long lastPrintNanos;
  private long done;
  private String detail = "";

  public Progress(String phase, long total, String unit) {
    this(phase, total, unit, System.err, System.console() != null);
  }

  Progress(String phase, long total, String unit, PrintStream out, boolean terminal) {
    this.phase = phase;
    this.total = total;
    this.unit = unit;
    this.out = out;
    this.terminal = terminal;
    this.lastPrintNanos = startNanos;
  }

  public void update(long doneSoFar) {
    update(doneSoFar, detail);
  }

  public synchronized void update(long doneSoFar, String newDetail) {
    this.done = doneSoFar;
    this.detail = newDetail;
    long now = System.nanoTime();
    long interval = terminal ? 250_000_000L : 5_000_000_000L;
    if (now - lastPrintNanos >= interval) {
      lastPrintNanos = now;
      print(false);
    }
  }

  private void print(boolean last) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String eta =
        !last && rate > 0 && total > done
            ? String.format(Locale.ROOT, " eta %.0fs", (total - done) / rate)
            : "";
    String line =
        String.format(
            Locale.ROOT,
            "[%s] %,d/%,d %s (%3.0f%%) %,.0f %s/s %.1fs%s%s",
            phase,
            done,
            total,
            unit,
            total == 0 ? 100.0 : 100.0 * done / total,
            rate,
            unit,
            seconds,
            eta,
            detail.isEmpty() ? "" : " " + detail);
    if (terminal) {
      out.print("\r\033[2K" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void close() {
    print(true);
  }
}
