package dev.trestle.edge.telemetry;

import dev.trestle.protocol.v1.Destination;
import dev.trestle.protocol.v1.Workload;
import java.util.Comparator;

/**
 * What a window's series are aggregated by: the calling workload, the destination service and the
 * response class, from Istio's standard labels. A label a proxy left out or set to {@code unknown}
 * is kept as written (empty when absent), so central can show "unknown".
 */
public record TrafficKey(
    String sourceWorkload,
    String sourceNamespace,
    String sourceCluster,
    String sourceApp,
    String sourceVersion,
    String sourcePrincipal,
    String destinationService,
    String destinationNamespace,
    String destinationCluster,
    String destinationWorkload,
    String destinationPrincipal,
    String responseClass) {

  static final Comparator<TrafficKey> ORDER =
      Comparator.comparing(TrafficKey::destinationService)
          .thenComparing(TrafficKey::destinationNamespace)
          .thenComparing(TrafficKey::destinationCluster)
          .thenComparing(TrafficKey::destinationWorkload)
          .thenComparing(TrafficKey::destinationPrincipal)
          .thenComparing(TrafficKey::sourceWorkload)
          .thenComparing(TrafficKey::sourceNamespace)
          .thenComparing(TrafficKey::sourceCluster)
          .thenComparing(TrafficKey::sourceApp)
          .thenComparing(TrafficKey::sourceVersion)
          .thenComparing(TrafficKey::sourcePrincipal)
          .thenComparing(TrafficKey::responseClass);

  /**
   * Whether a series is counted. Both proxies of a call report it; the edge counts the destination
   * proxy's report ({@code reporter="destination"}) and the source proxy's only when no destination
   * proxy reports (an external or unknown destination), so each call is counted once. Across
   * clusters that means the destination's cluster counts a cross-cluster call.
   */
  public static boolean counted(Labels labels) {
    String reporter = labels.get("reporter");
    if (reporter == null || reporter.equals("destination")) {
      return true;
    }
    if (!reporter.equals("source")) {
      return false;
    }
    String workload = labels.getOrDefault("destination_workload", "unknown");
    return workload.equals("unknown");
  }

  /** The key of a counted series of {@code metric}. */
  public static TrafficKey of(IstioMetric metric, Labels labels) {
    return new TrafficKey(
        labels.getOrDefault("source_workload", ""),
        labels.getOrDefault("source_workload_namespace", ""),
        labels.getOrDefault("source_cluster", ""),
        labels.getOrDefault("source_app", ""),
        labels.getOrDefault("source_version", ""),
        labels.getOrDefault("source_principal", ""),
        serviceOf(labels),
        labels.getOrDefault(
            "destination_service_namespace",
            labels.getOrDefault("destination_workload_namespace", "")),
        labels.getOrDefault("destination_cluster", ""),
        labels.getOrDefault("destination_workload", ""),
        labels.getOrDefault("destination_principal", ""),
        metric.isTcp() ? "tcp" : responseClass(labels.get("response_code")));
  }

  private static String serviceOf(Labels labels) {
    String service = labels.getOrDefault("destination_service", null);
    return service != null ? service : labels.getOrDefault("destination_service_name", "");
  }

  /**
   * "2xx" .. "5xx" from the first digit of {@code response_code}; 1xx counts as 2xx (not an error);
   * 0 (no response: a reset or a client that went away) and anything unreadable count as 5xx, as
   * errors.
   */
  static String responseClass(String code) {
    if (code == null || code.length() != 3) {
      return "5xx";
    }
    return switch (code.charAt(0)) {
      case '1', '2' -> "2xx";
      case '3' -> "3xx";
      case '4' -> "4xx";
      default -> "5xx";
    };
  }

  Workload source() {
    return Workload.newBuilder()
        .setName(sourceWorkload)
        .setNamespace(sourceNamespace)
        .setCluster(sourceCluster)
        .setApp(sourceApp)
        .setVersion(sourceVersion)
        .setPrincipal(sourcePrincipal)
        .build();
  }

  Destination destination() {
    return Destination.newBuilder()
        .setService(destinationService)
        .setNamespace(destinationNamespace)
        .setCluster(destinationCluster)
        .setWorkload(destinationWorkload)
        .setPrincipal(destinationPrincipal)
        .build();
  }
}
