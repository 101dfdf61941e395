package dev.trestle.telemetry;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code trestle.telemetry.*}, read once (conf/trestle.conf documents each key).
 *
 * @param queueWindows windows waiting for the writer at most; more are dropped and counted
 * @param queueSeries series waiting for the writer at most (the memory bound); more are dropped
 * @param maxWindowsPerReport a report with more windows is refused
 * @param maxSeriesPerWindow a window with more series is refused
 * @param batchSeries the writer writes up to this many series in one transaction
 * @param batchWithin how long the writer waits for more windows before it writes what it has
 * @param ackTimeout how long a Report waits for its windows to be written before it answers
 *     UNAVAILABLE (the edge resends; the resend is recognised as a duplicate if it was written)
 * @param minuteRetention how long per-minute rows are kept
 * @param hourRetention how long hourly rows are kept
 * @param rollupDelay how long after an hour ends it is rolled up (late windows after that mark it
 *     for a new rollup)
 * @param housekeepingInterval how often rollup and retention run
 * @param credentialCacheTtl how long a verified join token is trusted without asking its cluster
 *     entity again (a revoked token stops working within this time)
 */
public record TelemetrySettings(
    int queueWindows,
    int queueSeries,
    int maxWindowsPerReport,
    int maxSeriesPerWindow,
    int batchSeries,
    Duration batchWithin,
    Duration ackTimeout,
    Duration minuteRetention,
    Duration hourRetention,
    Duration rollupDelay,
    Duration housekeepingInterval,
    Duration credentialCacheTtl) {

  public TelemetrySettings {
    positive("queue-windows", queueWindows);
    positive("queue-series", queueSeries);
    positive("max-windows-per-report", maxWindowsPerReport);
    positive("max-series-per-window", maxSeriesPerWindow);
    positive("batch-series", batchSeries);
    positive("batch-within", batchWithin);
    positive("ack-timeout", ackTimeout);
    positive("retention.minutes", minuteRetention);
    positive("retention.hours", hourRetention);
    positive("housekeeping-interval", housekeepingInterval);
    if (rollupDelay.isNegative()) {
      throw new IllegalArgumentException(
          "trestle.telemetry.rollup-delay = " + rollupDelay + " must not be negative");
    }
    if (minuteRetention.compareTo(Duration.ofHours(2)) < 0) {
      throw new IllegalArgumentException(
          "trestle.telemetry.retention.minutes = "
              + minuteRetention
              + " must be at least 2h: hours are rolled up from the minutes");
    }
  }

  public static TelemetrySettings from(Config config) {
    Config t = config.getConfig("trestle.telemetry");
    return new TelemetrySettings(
        t.getInt("queue-windows"),
        t.getInt("queue-series"),
        t.getInt("max-windows-per-report"),
        t.getInt("max-series-per-window"),
        t.getInt("batch-series"),
        t.getDuration("batch-within"),
        t.getDuration("ack-timeout"),
        t.getDuration("retention.minutes"),
        t.getDuration("retention.hours"),
        t.getDuration("rollup-delay"),
        t.getDuration("housekeeping-interval"),
        t.getDuration("credential-cache-ttl"));
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "trestle.telemetry." + key + " = " + value + " must be at least 1");
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "trestle.telemetry." + key + " = " + value + " must be positive");
    }
  }
}
