package dev.trestle.edge.telemetry;

/** {@code --telemetry}: where the edge's telemetry comes from. */
public enum TelemetryMode {
  /** Nothing collected, nothing reported. */
  OFF,
  /** The proxies' endpoints: pods with {@code --kube}, the inventory file's URLs otherwise. */
  SCRAPE,
  /** The cluster's Prometheus, {@code --prometheus-url}. */
  PROMETHEUS
}
