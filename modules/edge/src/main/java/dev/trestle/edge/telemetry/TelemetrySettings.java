package dev.trestle.edge.telemetry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The edge's telemetry configuration, read once from the flags and the inventory file.
 *
 * @param mode where telemetry comes from (or off)
 * @param window the aggregation window, also the scrape interval (default 30 s)
 * @param buffer how much reporting may lag while central is unreachable: {@code buffer / window}
 *     windows are kept, the oldest dropped and counted beyond (default 10 min)
 * @param prometheusUrl the cluster's Prometheus, for {@link TelemetryMode#PROMETHEUS}
 * @param scrapeTargets fixed URLs (inventory mode); empty with {@code --kube}, which lists pods
 * @param kube list the pods to scrape from the Kubernetes API
 */
public record TelemetrySettings(
    TelemetryMode mode,
    Duration window,
    Duration buffer,
    Optional<URI> prometheusUrl,
    List<ScrapeTarget> scrapeTargets,
    boolean kube) {
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
  public static final Duration DEFAULT_BUFFER = Duration.ofMinutes(10);

  /** Aggregated series per window: about 1.5 MB of report at most. */
  public static final int MAX_SERIES_PER_WINDOW = 5_000;

  /** Raw proxy series followed between scrapes, over all pods. */
  public static final int MAX_TRACKED_SERIES = 500_000;

  public static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
  public static final Duration MAX_CALL_TIMEOUT = Duration.ofSeconds(10);
  public static final TelemetrySettings OFF =
      new TelemetrySettings(
          TelemetryMode.OFF, DEFAULT_WINDOW, DEFAULT_BUFFER, Optional.empty(), List.of(), false);

  public TelemetrySettings {
    scrapeTargets = List.copyOf(scrapeTargets);
    if (window.toMillis() < 1000) {
      throw new IllegalArgumentException("--telemetry-window must be at least 1s");
    }
    if (buffer.compareTo(window) < 0) {
      throw new IllegalArgumentException("--telemetry-buffer must hold at least one window");
    }
    if (mode == TelemetryMode.PROMETHEUS && prometheusUrl.isEmpty()) {
      throw new IllegalArgumentException("--telemetry prometheus needs --prometheus-url");
    }
  }

  /** Windows kept while central is unreachable. */
  public int bufferedWindows() {
    return (int) Math.max(1, buffer.toMillis() / window.toMillis());
  }

  /** Scrapes, queries and report calls give up after this: the window, at most 10 s. */
  public Duration callTimeout() {
    return window.compareTo(MAX_CALL_TIMEOUT) < 0 ? window : MAX_CALL_TIMEOUT;
  }
}
