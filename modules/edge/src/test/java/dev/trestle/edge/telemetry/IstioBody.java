package dev.trestle.edge.telemetry;

/** Builds a scripted {@code /stats/prometheus} body with Istio's standard metrics, for tests. */
final class IstioBody {
  /** A subset of Istio's default duration bounds (ms), enough to see buckets move. */
  static final double[] BOUNDS = {5, 10, 25, 100, 1000};

  /** One caller and callee, in namespace bookinfo; services are short names. */
  record Call(String source, String sourceCluster, String destination, String destinationCluster) {
    String labels(String reporter, String code) {
      String workload = destination.equals("external") ? "unknown" : destination + "-v1";
      String service =
          destination.equals("external")
              ? "api.example.com"
              : destination + ".bookinfo.svc.cluster.local";
      return "reporter=\""
          + reporter
          + "\",source_workload=\""
          + source
          + "-v1\","
          + "source_workload_namespace=\"bookinfo\",source_app=\""
          + source
          + "\","
          + "source_version=\"v1\",source_principal=\"spiffe://cluster.local/ns/bookinfo/sa/"
          + source
          + "\","
          + "source_cluster=\""
          + sourceCluster
          + "\",destination_workload=\""
          + workload
          + "\","
          + "destination_workload_namespace=\"bookinfo\",destination_service=\""
          + service
          + "\","
          + "destination_service_name=\""
          + destination
          + "\",destination_service_namespace=\"bookinfo\","
          + "destination_cluster=\""
          + destinationCluster
          + "\",request_protocol=\"http\","
          + "response_code=\""
          + code
          + "\",response_flags=\"-\"";
    }
  }

  private final StringBuilder text =
      new StringBuilder("# TYPE envoy_server_uptime gauge\nenvoy_server_uptime 12\n");

  IstioBody requests(Call c, String reporter, String code, long total) {
    text.append("istio_requests_total{")
        .append(c.labels(reporter, code))
        .append("} ")
        .append(total)
        .append('\n');
    return this;
  }

  /**
   * Cumulative counts per {@link #BOUNDS}, then the total (+Inf) and the sum, as the destination
   * reports.
   */
  IstioBody durations(Call c, String code, long[] cumulative, long total, double sumMs) {
    String labels = c.labels("destination", code);
    for (int i = 0; i < BOUNDS.length; i++) {
      text.append("istio_request_duration_milliseconds_bucket{")
          .append(labels)
          .append(",le=\"")
          .append(BOUNDS[i])
          .append("\"} ")
          .append(cumulative[i])
          .append('\n');
    }
    text.append("istio_request_duration_milliseconds_bucket{")
        .append(labels)
        .append(",le=\"+Inf\"} ")
        .append(total)
        .append('\n');
    text.append("istio_request_duration_milliseconds_sum{")
        .append(labels)
        .append("} ")
        .append(sumMs)
        .append('\n');
    text.append("istio_request_duration_milliseconds_count{")
        .append(labels)
        .append("} ")
        .append(total)
        .append('\n');
    return this;
  }

  IstioBody bytes(Call c, String code, long requestBytes, long responseBytes) {
    String labels = c.labels("destination", code);
    text.append("istio_request_bytes_sum{")
        .append(labels)
        .append("} ")
        .append(requestBytes)
        .append('\n');
    text.append("istio_response_bytes_sum{")
        .append(labels)
        .append("} ")
        .append(responseBytes)
        .append('\n');
    return this;
  }

  IstioBody tcp(Call c, long opened, long sent, long received) {
    String labels =
        c.labels("destination", "0")
            .replace("request_protocol=\"http\"", "request_protocol=\"tcp\"");
    text.append("istio_tcp_connections_opened_total{")
        .append(labels)
        .append("} ")
        .append(opened)
        .append('\n');
    text.append("istio_tcp_sent_bytes_total{")
        .append(labels)
        .append("} ")
        .append(sent)
        .append('\n');
    text.append("istio_tcp_received_bytes_total{")
        .append(labels)
        .append("} ")
        .append(received)
        .append('\n');
    return this;
  }

  String build() {
    return text.toString();
  }
}
