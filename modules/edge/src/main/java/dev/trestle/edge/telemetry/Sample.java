package dev.trestle.edge.telemetry;

/**
 * One sample line of the Prometheus text format.
 *
 * @param name the metric name as written (e.g. {@code istio_request_duration_milliseconds_bucket})
 * @param labels the labels, in the order written
 * @param value the value ({@code NaN} and infinities included)
 * @param timestampMs the sample's own timestamp in milliseconds, or {@link #NO_TIMESTAMP}
 */
public record Sample(String name, Labels labels, double value, long timestampMs) {
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  public boolean hasTimestamp() {
    return timestampMs != NO_TIMESTAMP;
  }
}
