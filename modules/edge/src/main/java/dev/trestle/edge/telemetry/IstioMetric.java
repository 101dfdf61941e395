package dev.trestle.edge.telemetry;

import java.util.Map;

/**
 * The Istio standard metrics the edge aggregates, by the sample names a proxy writes. Every other
 * metric of a scrape (Envoy's own, istio-agent's) is ignored.
 */
public enum IstioMetric {
  REQUESTS("istio_requests_total"),
  DURATION_BUCKET("istio_request_duration_milliseconds_bucket"),
  DURATION_SUM("istio_request_duration_milliseconds_sum"),
  REQUEST_BYTES("istio_request_bytes_sum"),
  RESPONSE_BYTES("istio_response_bytes_sum"),
  TCP_OPENED("istio_tcp_connections_opened_total"),
  TCP_SENT("istio_tcp_sent_bytes_total"),
  TCP_RECEIVED("istio_tcp_received_bytes_total");

  private static final Map<String, IstioMetric> BY_SAMPLE_NAME =
      Map.ofEntries(
          Map.entry(REQUESTS.sampleName, REQUESTS),
          Map.entry(DURATION_BUCKET.sampleName, DURATION_BUCKET),
          Map.entry(DURATION_SUM.sampleName, DURATION_SUM),
          Map.entry(REQUEST_BYTES.sampleName, REQUEST_BYTES),
          Map.entry(RESPONSE_BYTES.sampleName, RESPONSE_BYTES),
          Map.entry(TCP_OPENED.sampleName, TCP_OPENED),
          Map.entry(TCP_SENT.sampleName, TCP_SENT),
          Map.entry(TCP_RECEIVED.sampleName, TCP_RECEIVED));

  private final String sampleName;

  IstioMetric(String sampleName) {
    this.sampleName = sampleName;
  }

  /** The name of the samples (a histogram's {@code _bucket} or {@code _sum} series). */
  public String sampleName() {
    return sampleName;
  }

  public boolean isTcp() {
    return this == TCP_OPENED || this == TCP_SENT || this == TCP_RECEIVED;
  }

  /** The metric a sample belongs to, or null for one the edge does not aggregate. */
  public static IstioMetric ofSample(String name) {
    return name.startsWith("istio_") ? BY_SAMPLE_NAME.get(name) : null;
  }
}
