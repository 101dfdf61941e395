package dev.trestle.xds;

import dev.trestle.xds.XdsModel.ClusterModel;
import dev.trestle.xds.XdsModel.PortModel;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The pure translation {@code (local inventory, applied desired objects) -> xDS snapshot}. No I/O,
 * no clock, no randomness: the same inputs, in any order, give the same resources and version.
 *
 * <p>Services are the local inventory's services (endpoints from their addresses) and the hosts of
 * ServiceEntry objects (remote endpoints, usually east-west gateways of other clusters). For each
 * service host {@code H} and port {@code P}:
 *
 * <ul>
 *   <li>HTTP, HTTP2 and GRPC ports get a Listener named {@code H:P} (the authority of the target
 *       {@code xds:///H:P}) whose API listener is an HttpConnectionManager with the router filter
 *       and RDS (over ADS) for the RouteConfiguration of the same name;
 *   <li>the RouteConfiguration {@code H:P} has one virtual host (domains {@code H:P} and {@code H})
 *       with the routes of the VirtualService for {@code H} (matches, weighted subsets, timeouts,
 *       retries), or one default route to the whole service;
 *   <li>Clusters {@code outbound|P||H} and {@code outbound|P|<subset>|H} for every subset of the
 *       DestinationRule for {@code H}, EDS over ADS, with its load balancer, connection pool
 *       (circuit breakers, connect timeout) and outlier detection;
 *   <li>one ClusterLoadAssignment per cluster: healthy endpoints only, grouped by locality
 *       (region/zone/cluster), with priorities for failover: the edge's own locality 0, the same
 *       region next, then the regions the DestinationRule's {@code localityLbSetting.failover}
 *       names for this region, then the rest; priorities are renumbered densely over the localities
 *       that have a healthy endpoint, so traffic moves to the next priority as soon as a locality
 *       has none left.
 * </ul>
 *
 * <p>This class orchestrates; the work is split as Istio splits its generators: {@link XdsModel}
 * (the inputs as hosts, ports, endpoints and cluster models), {@link ListenerBuilder}, {@link
 * RouteBuilder} and {@link ClusterBuilder} (clusters and load assignments); {@link
 * XdsSnapshot#create} computes the version.
 */
public final class XdsTranslator {
  public static final String ROUTER_FILTER = "envoy.filters.http.router";
  public static final String CLUSTER_LABEL = "topology.istio.io/cluster";
  static final Set<String> HTTP_PROTOCOLS = Set.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB");

  private XdsTranslator() {}

  /**
   * Translates.
   *
   * @param inventory the edge's own services and their endpoint addresses
   * @param objects the applied desired objects, as canonical Kubernetes JSON (any kinds; only
   *     VirtualService, DestinationRule and ServiceEntry of {@code networking.istio.io} are used)
   */
  public static XdsSnapshot translate(LocalInventory inventory, Collection<String> objects) {
    return translate(inventory, objects, Optional.empty());
  }

  /**
   * As {@link #translate(LocalInventory, Collection)}; with {@code gatewayTls}, the clusters of
   * ports served by other clusters' gateways reach them over TLS ({@link GatewayTlsClusters}).
   */
  public static XdsSnapshot translate(
      LocalInventory inventory, Collection<String> objects, Optional<GatewayTls> gatewayTls) {
    var diagnostics = new Diagnostics();
    XdsModel model = XdsModel.of(inventory, objects, diagnostics);
    var routeBuilder = new RouteBuilder(model, diagnostics);
    var listeners = new ArrayList<Listener>();
    var routes = new ArrayList<RouteConfiguration>();
    for (var h : model.hosts().entrySet()) {
      String host = h.getKey();
      var dr = model.destinationRuleFor(host);
      for (PortModel port : h.getValue().values()) {
        model.cluster(host, port.number(), "", dr);
        for (String subset : XdsModel.subsets(dr).keySet()) {
          model.cluster(host, port.number(), subset, dr);
        }
        if (HTTP_PROTOCOLS.contains(port.protocol().toUpperCase(Locale.ROOT))) {
          String name = host + ":" + port.number();
          listeners.add(ListenerBuilder.listener(name));
          // Registers the clusters its routes name, so they are built below.
          routes.add(routeBuilder.routeConfiguration(name, host, port));
        }
      }
    }
    var clusterBuilder = new ClusterBuilder(inventory, diagnostics);
    var clusters = new ArrayList<Cluster>();
    var loadAssignments = new ArrayList<ClusterLoadAssignment>();
    for (ClusterModel c : model.clusters()) {
      if (gatewayTls.isPresent() && GatewayTlsClusters.applies(c)) {
        ClusterModel plain = GatewayTlsClusters.child(c, GatewayTlsClusters.PLAIN);
        ClusterModel mtls = GatewayTlsClusters.child(c, GatewayTlsClusters.MTLS);
        var plainEndpoints =
            clusterBuilder.loadAssignment(plain, e -> !GatewayTlsClusters.meshTls(e));
        var mtlsEndpoints = clusterBuilder.loadAssignment(mtls, GatewayTlsClusters::meshTls);
        clusters.add(GatewayTlsClusters.aggregate(c, plainEndpoints, mtlsEndpoints));
        clusters.add(clusterBuilder.cluster(plain));
        clusters.add(
            GatewayTlsClusters.withTls(clusterBuilder.cluster(mtls), mtls, gatewayTls.get()));
        loadAssignments.add(plainEndpoints);
        loadAssignments.add(mtlsEndpoints);
      } else {
        clusters.add(clusterBuilder.cluster(c));
        loadAssignments.add(clusterBuilder.loadAssignment(c));
      }
    }
    return XdsSnapshot.create(listeners, routes, clusters, loadAssignments, diagnostics.lines());
  }
}
