package dev.trestle.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Telemetry ingest meters on {@code /metrics}: windows by outcome, series stored and dropped, the
 * series waiting for the writer, write time, refused reports, and the drops edges report.
 */
final class TelemetryMetrics {
  private final Counter stored;
  private final Counter duplicates;
  private final Counter dropped;
  private final Counter failed;
  private final Counter seriesStored;
  private final Counter seriesDropped;
  private final Counter refused;
  private final Counter edgeDroppedWindows;
  private final Counter edgeDroppedSeries;
  private final Timer writes;
  final AtomicLong queuedSeries = new AtomicLong();

  TelemetryMetrics(MeterRegistry registry) {
    stored = windows(registry, "stored");
    duplicates = windows(registry, "duplicate");
    dropped = windows(registry, "dropped");
    failed = windows(registry, "failed");
    seriesStored =
        Counter.builder("trestle_telemetry_series")
            .tag("outcome", "stored")
            .description("Series (window x source x destination x class) written")
            .register(registry);
    seriesDropped =
        Counter.builder("trestle_telemetry_series")
            .tag("outcome", "dropped")
            .description("Series dropped because the ingest queue was full")
            .register(registry);
    refused =
        Counter.builder("trestle_telemetry_reports_refused")
            .description("Reports refused: bad credentials, too large, malformed")
            .register(registry);
    edgeDroppedWindows =
        Counter.builder("trestle_telemetry_edge_dropped")
            .tag("unit", "windows")
            .description("Windows the edges say they dropped (buffer full while central was away)")
            .register(registry);
    edgeDroppedSeries =
        Counter.builder("trestle_telemetry_edge_dropped")
            .tag("unit", "series")
            .description("Series the edges say they dropped (their series limit)")
            .register(registry);
    writes =
        Timer.builder("trestle.telemetry.write")
            .description("One batched telemetry write transaction")
            .register(registry);
    registry.gauge("trestle_telemetry_queue_series", queuedSeries);
  }

  private static Counter windows(MeterRegistry registry, String outcome) {
    return Counter.builder("trestle_telemetry_windows")
        .tag("outcome", outcome)
        .description("Telemetry windows received, by what became of them")
        .register(registry);
  }

  void outcome(IncomingWindow.Outcome outcome, int series) {
    switch (outcome) {
      case STORED -> {
        stored.increment();
        seriesStored.increment(series);
      }
      case DUPLICATE -> duplicates.increment();
      case DROPPED -> {
        dropped.increment();
        seriesDropped.increment(series);
      }
      case FAILED -> failed.increment();
    }
  }

  void refused() {
    refused.increment();
  }

  void edgeDropped(long windows, long series) {
    edgeDroppedWindows.increment(windows);
    edgeDroppedSeries.increment(series);
  }

  Timer writes() {
    return writes;
  }
}
