package dev.trestle.edge.telemetry;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Channel;
import java.time.Clock;
import java.util.function.Supplier;

/** Builds and starts the telemetry pipeline the settings ask for; closing it stops it. */
public final class EdgeTelemetry implements AutoCloseable {
  private final TelemetryCollector collector;

  private EdgeTelemetry(TelemetryCollector collector) {
    this.collector = collector;
  }

  /**
   * Starts collecting and reporting, or returns null when telemetry is off.
   *
   * @param channel the agent's current channel to central
   * @param token reads the join token
   * @param kube the Kubernetes client, for {@code --kube} scraping (null otherwise)
   */
  public static EdgeTelemetry start(
      TelemetrySettings settings,
      String cluster,
      String agentInstance,
      Supplier<Channel> channel,
      Supplier<String> token,
      KubernetesClient kube,
      TelemetryStatus status,
      Clock clock) {
    TelemetrySource source =
        switch (settings.mode()) {
          case OFF -> null;
          case PROMETHEUS ->
              new PrometheusSource(
                  settings.prometheusUrl().orElseThrow(),
                  settings.callTimeout(),
                  TelemetrySettings.MAX_BODY_BYTES,
                  status);
          case SCRAPE ->
              new ScrapeSource(
                  settings.kube() && kube != null
                      ? new KubernetesScrapeTargets(kube)
                      : ScrapeTargets.fixed(settings.scrapeTargets()),
                  ParseLimits.DEFAULT,
                  TelemetrySettings.MAX_TRACKED_SERIES,
                  settings.callTimeout(),
                  TelemetrySettings.MAX_BODY_BYTES,
                  status);
        };
    if (source == null) {
      return null;
    }
    var reporter =
        new TelemetryReporter(
            cluster,
            agentInstance,
            channel,
            token,
            settings.bufferedWindows(),
            settings.callTimeout(),
            status);
    var collector =
        new TelemetryCollector(
            source,
            reporter,
            settings.window(),
            TelemetrySettings.MAX_SERIES_PER_WINDOW,
            clock,
            status);
    collector.start();
    return new EdgeTelemetry(collector);
  }

  @Override
  public void close() {
    collector.close();
  }
}
