package dev.trestle.audit;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.RefusalLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps denied reads from flooding the audit log (issue 16, point 5): per principal and window of
 * {@link #WINDOW}, the first denial of each distinct read (verb and FQN) is recorded, at most
 * {@link #ROWS_PER_WINDOW} of them; every other denied read of that window is counted, and the
 * count is recorded as one summary row when the window ends (at the principal's next denied read,
 * or by {@link #flushExpired}, which the server runs every window). So a scraper's 1,000 denied
 * reads in a minute leave at most {@code ROWS_PER_WINDOW + 1} rows, the first one among them.
 * Refused writes pass through unchanged.
 */
public final class DeniedReadThrottle implements RefusalLog {
  public static final Duration WINDOW = Duration.ofSeconds(60);
  public static final int ROWS_PER_WINDOW = 10;

  private final RefusalLog log;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** One principal's current window. */
  private static final class Window {
    final Instant start;
    final Set<String> recorded = new HashSet<>();
    long suppressed;
    String lastRequestId = "";

    Window(Instant start) {
      this.start = start;
    }
  }

  public DeniedReadThrottle(RefusalLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  @Override
  public void refused(Caller caller, String operation, String kind, String fqn, Problem problem) {
    if (!READ.equals(operation)) {
      log.refused(caller, operation, kind, fqn, problem);
      return;
    }
    Instant now = clock.instant();
    boolean record;
    Window ended = null;
    synchronized (this) {
      Window w = windows.get(caller.principal());
      if (w != null && !now.isBefore(w.start.plus(WINDOW))) {
        ended = w;
        w = null;
      }
      if (w == null) {
        w = new Window(now);
        windows.put(caller.principal(), w);
      }
      String read = fqn + "\n" + problem.message();
      record = w.recorded.size() < ROWS_PER_WINDOW && w.recorded.add(read);
      if (!record) {
        w.suppressed++;
        w.lastRequestId = caller.requestId();
      }
    }
    if (ended != null) {
      summarize(caller.principal(), ended);
    }
    if (record) {
      log.refused(caller, operation, kind, fqn, problem);
    }
  }

  /** Records the counts of windows that have ended and forgets them. */
  public void flushExpired() {
    Instant now = clock.instant();
    Map<String, Window> ended = new HashMap<>();
    synchronized (this) {
      windows.forEach(
          (principal, w) -> {
            if (!now.isBefore(w.start.plus(WINDOW))) {
              ended.put(principal, w);
            }
          });
      ended.keySet().forEach(windows::remove);
    }
    ended.forEach(this::summarize);
  }

  private void summarize(String principal, Window w) {
    if (w.suppressed == 0) {
      return;
    }
    log.refused(
        new Caller(principal, w.lastRequestId),
        READ,
        "",
        "",
        Problem.of(
            Problem.Code.PERMISSION_DENIED,
            "",
            "SUMMARY: "
                + w.suppressed
                + " more denied read(s) by "
                + principal
                + " in the "
                + WINDOW.toSeconds()
                + " s from "
                + w.start
                + " were counted, not recorded one by one (at most "
                + ROWS_PER_WINDOW
                + " rows per principal per window; repeats of a recorded read are counted)"));
  }
}
