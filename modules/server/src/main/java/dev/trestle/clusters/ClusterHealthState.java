package dev.trestle.clusters;

/** A cluster's health as central sees it through its edge's heartbeats. */
public enum ClusterHealthState {
  /** No edge has connected yet. */
  UNKNOWN,
  HEALTHY,
  /** Heartbeats stopped for longer than the configured number of intervals. */
  UNHEALTHY
}
