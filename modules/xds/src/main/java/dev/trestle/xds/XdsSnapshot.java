package dev.trestle.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.Hashes;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One xDS snapshot: every Listener, RouteConfiguration, Cluster and ClusterLoadAssignment, each
 * list sorted by name, the diagnostics of the translation, and a version that is a hash of the
 * resources' content (the same resources always give the same version, whatever order the inputs
 * came in). Made by {@link #create}, which computes the version.
 */
public record XdsSnapshot(
    String version,
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<String> diagnostics) {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(HttpConnectionManager.getDescriptor())
                  .add(Router.getDescriptor())
                  .add(HttpProtocolOptions.getDescriptor())
                  .add(WrrLocality.getDescriptor())
                  .add(LeastRequest.getDescriptor())
                  .add(RoundRobin.getDescriptor())
                  .add(ClusterConfig.getDescriptor())
                  .add(UpstreamTlsContext.getDescriptor())
                  .build());

  /**
   * The snapshot of these resources, each list sorted by name, with its version: the first 16 hex
   * of the SHA-256 of {@link #resourcesText}.
   */
  public static XdsSnapshot create(
      List<Listener> listeners,
      List<RouteConfiguration> routes,
      List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints,
      List<String> diagnostics) {
    var l = sorted(listeners, Listener::getName);
    var r = sorted(routes, RouteConfiguration::getName);
    var c = sorted(clusters, Cluster::getName);
    var e = sorted(endpoints, ClusterLoadAssignment::getClusterName);
    String version = Hashes.sha256(resourcesText(l, r, c, e)).substring(0, 16);
    return new XdsSnapshot(version, l, r, c, e, diagnostics);
  }

  private static <T> List<T> sorted(List<T> resources, Function<T, String> name) {
    return resources.stream().sorted(Comparator.comparing(name)).toList();
  }

  public XdsSnapshot {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
    diagnostics = List.copyOf(diagnostics);
  }

  /** The resources as proto JSON, one section per type; the version is the hash of this text. */
  public static String resourcesText(
      List<Listener> listeners,
      List<RouteConfiguration> routes,
      List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints) {
    var sb = new StringBuilder();
    section(sb, "listeners", listeners);
    section(sb, "routes", routes);
    section(sb, "clusters", clusters);
    section(sb, "endpoints", endpoints);
    return sb.toString();
  }

  /** Golden-file form: version and diagnostics as comments, then every resource as JSON. */
  public String render() {
    var sb = new StringBuilder();
    sb.append("# version: ").append(version).append('\n');
    sb.append("# listeners: ")
        .append(listeners.size())
        .append(", routes: ")
        .append(routes.size())
        .append(", clusters: ")
        .append(clusters.size())
        .append(", endpoints: ")
        .append(endpoints.size())
        .append('\n');
    for (String d : diagnostics) {
      sb.append("# diagnostic: ").append(d).append('\n');
    }
    sb.append(resourcesText(listeners, routes, clusters, endpoints));
    return sb.toString();
  }

  private static void section(StringBuilder sb, String title, List<? extends Message> messages) {
    sb.append("## ").append(title).append('\n');
    for (Message m : messages) {
      sb.append(json(m)).append('\n');
    }
  }

  /**
   * A version for one type: the first 16 hex of the SHA-256 of its resources' JSON ("empty" for
   * none).
   */
  public static String versionOf(List<? extends Message> resources) {
    if (resources.isEmpty()) {
      return "empty";
    }
    var sb = new StringBuilder();
    for (Message m : resources) {
      sb.append(json(m)).append('\n');
    }
    return Hashes.sha256(sb.toString()).substring(0, 16);
  }

  static String json(Message m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getFullName(), e);
    }
  }
}
