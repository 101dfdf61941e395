package dev.trestle.edge.telemetry;

import dev.trestle.protocol.v1.TelemetryWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the telemetry pipeline on its own thread ("edge-telemetry"), apart from the sync stream: at
 * each window boundary (multiples of the window since the epoch, so windows from a restarted agent
 * line up with central's), collect from the source, build the window, hand it to the reporter and
 * send what is buffered. A round that overruns skips the boundaries it missed.
 */
public final class TelemetryCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryCollector.class);
  private final TelemetrySource source;
  private final TelemetryReporter reporter;
  private final Duration window;
  private final int maxSeries;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private long reportedDrops;

  public TelemetryCollector(
      TelemetrySource source,
      TelemetryReporter reporter,
      Duration window,
      int maxSeries,
      Clock clock,
      TelemetryStatus status) {
    this.source = source;
    this.reporter = reporter;
    this.window = window;
    this.maxSeries = maxSeries;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edge-telemetry");
              t.setDaemon(true);
              return t;
            });
    status.started(source.describe(), window.toSeconds());
  }

  /** Starts collecting at the next window boundary. */
  public void start() {
    LOG.info("telemetry: {} every {}s", source.describe(), window.toSeconds());
    scheduleNext();
  }

  private void scheduleNext() {
    long now = clock.millis();
    long step = window.toMillis();
    long next = (now / step + 1) * step;
    try {
      thread.schedule(
          () -> {
            try {
              round(Instant.ofEpochMilli(next));
            } catch (RuntimeException e) {
              LOG.warn("telemetry round failed: {}", e.toString());
            }
            scheduleNext();
          },
          next - now,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  /** One window ending at {@code end}: collect, build, buffer, send. */
  public void round(Instant end) {
    var aggregator = new WindowAggregator(maxSeries);
    boolean meaningful = source.collect(end, window, aggregator);
    long sourceDrops = source.droppedSeries();
    long drops = aggregator.droppedSeries() + (sourceDrops - reportedDrops);
    reportedDrops = sourceDrops;
    if (meaningful) {
      TelemetryWindow w = aggregator.build(end.minus(window), (int) window.toSeconds());
      reporter.offer(w, drops);
    }
    reporter.flush();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
