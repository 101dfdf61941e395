package dev.trestle.edgesync;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * A WARN line logged at most once per interval; the next line logged says how many were left out
 * meanwhile. For events any peer can cause at will (malformed input), so they cannot flood the log.
 */
final class RateLimitedLine {
  private final Logger log;
  private final long everyNanos;
  private long lastNanos;
  private boolean logged;
  private long suppressed;

  RateLimitedLine(Logger log, Duration every) {
    this.log = log;
    this.everyNanos = every.toNanos();
  }

  synchronized void warn(String line) {
    long now = System.nanoTime();
    if (logged && now - lastNanos < everyNanos) {
      suppressed++;
      return;
    }
    if (suppressed > 0) {
      log.warn(
          "{} ({} more like it in the last {} s not logged)",
          line,
          suppressed,
          Duration.ofNanos(now - lastNanos).toSeconds());
    } else {
      log.warn(line);
    }
    logged = true;
    lastNanos = now;
    suppressed = 0;
  }
}
