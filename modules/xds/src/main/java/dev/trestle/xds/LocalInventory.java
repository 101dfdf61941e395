package dev.trestle.xds;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the edge knows about its own cluster for xDS: its name, network and locality, and each
 * service with its ports and (unlike the inventory sent to central, which has only counts) the
 * addresses of its endpoints. This never leaves the edge.
 *
 * @param cluster the cluster's short name; the sub-zone of local endpoints
 * @param network the cluster's network ("" when unknown)
 * @param region the cluster's region ("" when unknown)
 * @param zone the cluster's zone ("" when unknown)
 * @param services the local services
 */
public record LocalInventory(
    String cluster, String network, String region, String zone, List<Service> services) {
  public static final LocalInventory EMPTY = new LocalInventory("", "", "", "", List.of());

  public LocalInventory {
    cluster = Objects.requireNonNullElse(cluster, "");
    network = Objects.requireNonNullElse(network, "");
    region = Objects.requireNonNullElse(region, "");
    zone = Objects.requireNonNullElse(zone, "");
    services = List.copyOf(services);
  }

  /**
   * A local service.
   *
   * @param hostname its mesh host name, e.g. {@code cart.checkout.svc.cluster.local}
   * @param labels labels every endpoint carries (an endpoint's own labels win)
   * @param endpoints its endpoints' addresses; empty when the inventory gives only counts
   */
  public record Service(
      String namespace,
      String name,
      String hostname,
      List<Port> ports,
      Map<String, String> labels,
      List<Endpoint> endpoints) {
    public Service {
      hostname =
          hostname == null || hostname.isEmpty()
              ? name + "." + namespace + ".svc.cluster.local"
              : hostname;
      ports = List.copyOf(ports);
      labels = Map.copyOf(new TreeMap<>(labels));
      endpoints = List.copyOf(endpoints);
    }
  }

  /** A service port: name, number, protocol (HTTP, HTTP2, GRPC, TCP, TLS, HTTPS). */
  public record Port(String name, int number, String protocol) {
    public Port {
      name = Objects.requireNonNullElse(name, "");
      protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
    }
  }

  /**
   * One endpoint of a local service.
   *
   * @param address IP address (or host name) it listens on
   * @param port the target port for every service port, or null for "the service port's number"
   * @param ports target ports by service port name (win over {@code port})
   * @param labels the endpoint's own labels (e.g. {@code version: v2}), on top of the service's
   * @param healthy whether it may receive traffic
   */
  public record Endpoint(
      String address,
      Integer port,
      Map<String, Integer> ports,
      Map<String, String> labels,
      boolean healthy) {
    public Endpoint {
      Objects.requireNonNull(address, "address");
      ports = Map.copyOf(new TreeMap<>(ports));
      labels = Map.copyOf(new TreeMap<>(labels));
    }

    /** The port to send traffic for service port {@code p} to. */
    public int targetPort(Port p) {
      Integer byName = ports.get(p.name());
      if (byName != null) {
        return byName;
      }
      return port != null ? port : p.number();
    }
  }
}
