package dev.trestle.edge.telemetry;

import java.time.Duration;
import java.time.Instant;

/** Where a window's increases come from: the proxies' endpoints or the cluster's Prometheus. */
public interface TelemetrySource {
  /**
   * Adds to {@code window} what happened in the {@code length} before {@code end}. Returns false
   * when the round only set a baseline and the window means nothing (the first scrape round).
   */
  boolean collect(Instant end, Duration length, WindowAggregator window);

  /** Series the source itself dropped (over its limits) since it started. */
  default long droppedSeries() {
    return 0;
  }

  /** For logs and {@code /status}. */
  String describe();
}
