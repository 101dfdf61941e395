package dev.trestle.loadtest.scrape;

/**
 * A proxy's {@code /stats/prometheus} body of about {@code lines} Istio sample lines: per call
 * (source, destination, response code) the request counter, the duration histogram with Istio's
 * default 19 bounds, and the byte sums, each line with the ~25 labels a sidecar writes. Counters
 * grow with {@code round}.
 */
final class IstioExposition {
  private static final String[] BOUNDS = {
    "0.5", "1", "5", "10", "25", "50", "100", "250", "500", "1000", "2500", "5000", "10000",
    "30000", "60000", "300000", "600000", "1.8e+06", "3.6e+06", "+Inf"
  };
  private static final String[] CODES = {"200", "404", "503"};

  private IstioExposition() {}

  static String body(int lines, int round) {
    var out = new StringBuilder(lines * 700);
    out.append("# TYPE istio_requests_total counter\n");
    int written = 0;
    for (int call = 0; written < lines; call++) {
      String labels = labels(call);
      long n = (long) (call + 1) * (round + 1) * 7;
      out.append("istio_requests_total{").append(labels).append("} ").append(n).append('\n');
      long below = 0;
      for (int b = 0; b < BOUNDS.length; b++) {
        below = b == BOUNDS.length - 1 ? n : Math.min(n, below + n / 8);
        out.append("istio_request_duration_milliseconds_bucket{")
            .append(labels)
            .append(",le=\"")
            .append(BOUNDS[b])
            .append("\"} ")
            .append(below)
            .append('\n');
      }
      out.append("istio_request_duration_milliseconds_sum{")
          .append(labels)
          .append("} ")
          .append(n * 12.5)
          .append('\n');
      out.append("istio_request_duration_milliseconds_count{")
          .append(labels)
          .append("} ")
          .append(n)
          .append('\n');
      out.append("istio_request_bytes_sum{")
          .append(labels)
          .append("} ")
          .append(n * 300)
          .append('\n');
      out.append("istio_response_bytes_sum{")
          .append(labels)
          .append("} ")
          .append(n * 4000)
          .append('\n');
      written += 5 + BOUNDS.length;
    }
    return out.toString();
  }

  private static String labels(int call) {
    int source = call / 30;
    int destination = (call / 3) % 10;
    String code = CODES[call % 3];
    return "reporter=\"destination\",source_workload=\"app-"
        + source
        + "-v1\",source_canonical_service=\"app-"
        + source
        + "\",source_canonical_revision=\"v1\",source_workload_namespace=\"ns-"
        + (source % 7)
        + "\",source_principal=\"spiffe://cluster.local/ns/ns-"
        + (source % 7)
        + "/sa/app-"
        + source
        + "\",source_app=\"app-"
        + source
        + "\",source_version=\"v1\",source_cluster=\"cluster-a\","
        + "destination_workload=\"svc-"
        + destination
        + "-v1\",destination_workload_namespace=\"ns-"
        + destination
        + "\",destination_principal=\"spiffe://cluster.local/ns/ns-"
        + destination
        + "/sa/svc-"
        + destination
        + "\",destination_app=\"svc-"
        + destination
        + "\",destination_version=\"v1\","
        + "destination_service=\"svc-"
        + destination
        + ".ns-"
        + destination
        + ".svc.cluster.local\","
        + "destination_canonical_service=\"svc-"
        + destination
        + "\",destination_canonical_revision=\"v1\","
        + "destination_service_name=\"svc-"
        + destination
        + "\",destination_service_namespace=\"ns-"
        + destination
        + "\",destination_cluster=\"cluster-a\",request_protocol=\"http\",response_code=\""
        + code
        + "\",grpc_response_status=\"\",response_flags=\"-\",connection_security_policy=\"mutual_tls\"";
  }
}
