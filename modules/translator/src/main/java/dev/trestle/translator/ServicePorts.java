package dev.trestle.translator;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The ports of the services one cluster can call: its own services' (its inventory) and, for
 * services it does not run, the ports the remote clusters publish. Empty when not known (a view
 * without inventory), in which case nothing is decided from ports.
 */
final class ServicePorts {
  private static final Set<String> HTTP_FAMILY = Set.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB");

  private final Map<String, List<MeshCatalog.Port>> byService = new TreeMap<>();

  ServicePorts(ClusterView cluster, List<MeshCatalog.RemoteService> remote) {
    for (MeshCatalog.RemoteService r : remote) {
      byService.put(r.namespace() + "/" + r.name(), r.ports());
    }
    byService.putAll(cluster.servicePorts());
  }

  List<MeshCatalog.Port> of(ServiceRef service) {
    return byService.getOrDefault(service.toString(), List.of());
  }

  /**
   * The port a gateway sends to when its route names none. A gateway's request arrives on the
   * listener's port, which is no port of the service, so Istio needs the destination to name one
   * when the service has several (IST0112). The only HTTP-family port, else the lowest-numbered one
   * (reported); empty when the service has at most one known port (Istio takes that one).
   */
  Optional<Integer> gatewayDefault(ServiceRef service, String label, Consumer<String> warn) {
    List<MeshCatalog.Port> ports = of(service);
    if (ports.size() < 2) {
      return Optional.empty();
    }
    List<MeshCatalog.Port> http =
        ports.stream()
            .filter(p -> HTTP_FAMILY.contains(p.protocol().toUpperCase(Locale.ROOT)))
            .toList();
    List<MeshCatalog.Port> candidates = http.isEmpty() ? ports : http;
    int chosen = candidates.stream().mapToInt(MeshCatalog.Port::number).min().orElseThrow();
    if (candidates.size() > 1 || http.isEmpty()) {
      warn.accept(
          label
              + ": "
              + service
              + " has several ports and the route names none; it goes to port "
              + chosen
              + " (set the route's port to choose)");
    }
    return Optional.of(chosen);
  }
}
