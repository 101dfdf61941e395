package dev.trestle.edge.telemetry;

import dev.trestle.edge.EdgeCommand.DurationConverter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The telemetry flags of {@code trestle edge} (a picocli mixin). */
public final class TelemetryOptions {
  @Option(
      names = "--telemetry",
      paramLabel = "off|scrape|prometheus",
      description =
          "Where per-service traffic comes from: scrape the proxies' Prometheus endpoints (pods"
              + " with --kube, the inventory file's telemetry.scrape URLs otherwise), query the"
              + " cluster's Prometheus (--prometheus-url), or off. Default: prometheus with"
              + " --prometheus-url, else scrape when there is something to scrape, else off.")
  String mode;

  @Option(
      names = "--telemetry-window",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Aggregation window and scrape interval (default: the inventory's telemetry.window, else"
              + " 30s; at least 1s).")
  Duration window;

  @Option(
      names = "--telemetry-buffer",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How many minutes of windows to keep while central is unreachable, sent later oldest"
              + " first; older ones are dropped and counted (default: 10m).")
  Duration buffer = TelemetrySettings.DEFAULT_BUFFER;

  @Option(
      names = "--prometheus-url",
      paramLabel = "URL",
      description = "The cluster's Prometheus (e.g. http://prometheus.istio-system:9090).")
  String prometheusUrl;

  /**
   * The settings the flags and the inventory file's {@code telemetry:} section ask for.
   *
   * @throws IllegalArgumentException a bad flag or section, with a message naming it
   */
  public TelemetrySettings settings(boolean kube, Optional<Path> inventory) {
    TelemetryInventory fromFile = TelemetryInventory.NONE;
    if (inventory.isPresent()) {
      try {
        fromFile = TelemetryInventory.read(inventory.get());
      } catch (IOException e) {
        throw new IllegalArgumentException("--inventory: " + e.getMessage());
      }
    }
    Optional<URI> prometheus = Optional.empty();
    if (prometheusUrl != null) {
      URI uri;
      try {
        uri = URI.create(prometheusUrl.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--prometheus-url '" + prometheusUrl + "' is not a URL");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "--prometheus-url '" + prometheusUrl + "' is not an http(s) URL with a host");
      }
      prometheus = Optional.of(uri);
    }
    List<ScrapeTarget> urls = fromFile.scrape();
    TelemetryMode chosen;
    if (mode == null) {
      chosen =
          prometheus.isPresent()
              ? TelemetryMode.PROMETHEUS
              : kube || !urls.isEmpty() ? TelemetryMode.SCRAPE : TelemetryMode.OFF;
    } else {
      try {
        chosen = TelemetryMode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--telemetry '" + mode + "' is not one of off, scrape, prometheus");
      }
    }
    if (chosen == TelemetryMode.SCRAPE && !kube && urls.isEmpty()) {
      throw new IllegalArgumentException(
          "--telemetry scrape needs --kube or telemetry.scrape URLs in the --inventory file");
    }
    Duration w =
        window != null ? window : fromFile.window().orElse(TelemetrySettings.DEFAULT_WINDOW);
    if (w.toMillis() >= 1000 && w.toSeconds() * 1000 != w.toMillis()) {
      throw new IllegalArgumentException("--telemetry-window must be whole seconds");
    }
    return new TelemetrySettings(chosen, w, buffer, prometheus, urls, kube);
  }
}
