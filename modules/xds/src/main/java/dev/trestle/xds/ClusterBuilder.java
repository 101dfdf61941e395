package dev.trestle.xds;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.trestle.xds.XdsModel.ClusterModel;
import dev.trestle.xds.XdsModel.EndpointModel;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.Percent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Clusters and their ClusterLoadAssignments. A cluster is EDS over ADS with the DestinationRule's
 * load balancer, connection pool (circuit breakers, connect timeout) and outlier detection; its
 * load assignment has the healthy endpoints matching its subset, grouped by locality, with the
 * failover priorities described on {@link XdsTranslator}.
 */
final class ClusterBuilder {
  /** Percent of failed calls above which proxyless clients eject an endpoint. */
  static final int FAILURE_PERCENTAGE_THRESHOLD = 50;

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.newBuilder().setSeconds(10).build();

  private final LocalInventory inventory;
  private final Diagnostics diagnostics;

  ClusterBuilder(LocalInventory inventory, Diagnostics diagnostics) {
    this.inventory = inventory;
    this.diagnostics = diagnostics;
  }

  Cluster cluster(ClusterModel c) {
    var b =
        Cluster.newBuilder()
            .setName(c.name())
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(
                Cluster.EdsClusterConfig.newBuilder()
                    .setEdsConfig(ListenerBuilder.ads())
                    .setServiceName(c.name()))
            .setConnectTimeout(DEFAULT_CONNECT_TIMEOUT)
            .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
    if (c.portModel() != null) {
      String protocol = c.portModel().protocol().toUpperCase(Locale.ROOT);
      if (protocol.equals("GRPC") || protocol.equals("HTTP2")) {
        b.putTypedExtensionProtocolOptions(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            Any.pack(
                HttpProtocolOptions.newBuilder()
                    .setExplicitHttpConfig(
                        HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                    .build()));
      }
    }
    JsonNode policy = c.dr() == null ? null : c.dr().path("spec").path("trafficPolicy");
    if (policy == null || !policy.isObject()) {
      return b.build();
    }
    String where = XdsModel.where(c.dr());
    loadBalancer(b, where, policy.path("loadBalancer"));
    connectionPool(b, where, policy.path("connectionPool"));
    JsonNode od = policy.path("outlierDetection");
    if (od.isObject()) {
      outlierDetection(b, where, od);
    }
    return b.build();
  }

  private void loadBalancer(Cluster.Builder b, String where, JsonNode lb) {
    String simple = lb.path("simple").asText("");
    switch (simple) {
      case "", "ROUND_ROBIN", "UNSPECIFIED" -> {}
      case "LEAST_REQUEST", "LEAST_CONN" -> {
        b.setLoadBalancingPolicy(LoadBalancingPolicies.leastRequestElseRoundRobin());
        diagnostics.add(
            where
                + ": loadBalancer.simple "
                + simple
                + " is served as load_balancing_policy least_request, else round_robin (a"
                + " proxyless client without least_request, such as grpc-js, takes round_robin)");
      }
      default ->
          diagnostics.add(
              where
                  + ": loadBalancer.simple "
                  + simple
                  + " is served as ROUND_ROBIN (proxyless gRPC knows no other)");
    }
    if (lb.has("consistentHash")) {
      diagnostics.add(
          where + ": loadBalancer.consistentHash is not translated to xDS (ROUND_ROBIN)");
    }
  }

  private void connectionPool(Cluster.Builder b, String where, JsonNode pool) {
    JsonNode tcp = pool.path("tcp");
    JsonNode http = pool.path("http");
    if (tcp.has("connectTimeout")) {
      b.setConnectTimeout(
          XdsDurations.parse(
              where + ".connectionPool.tcp.connectTimeout",
              tcp.path("connectTimeout").asText(),
              diagnostics));
    }
    var t = CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
    boolean anyThreshold = false;
    if (tcp.has("maxConnections")) {
      t.setMaxConnections(UInt32Value.of(tcp.path("maxConnections").asInt()));
      anyThreshold = true;
    }
    if (http.has("http1MaxPendingRequests")) {
      t.setMaxPendingRequests(UInt32Value.of(http.path("http1MaxPendingRequests").asInt()));
      anyThreshold = true;
    }
    if (http.has("http2MaxRequests")) {
      t.setMaxRequests(UInt32Value.of(http.path("http2MaxRequests").asInt()));
      anyThreshold = true;
    }
    if (http.has("maxRetries")) {
      t.setMaxRetries(UInt32Value.of(http.path("maxRetries").asInt()));
      anyThreshold = true;
    }
    if (anyThreshold) {
      b.setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(t));
    }
  }

  /**
   * Proxyless gRPC ignores the consecutive-error ejections (gRFC A50 implements only success-rate
   * and failure-percentage), so a DestinationRule's consecutive errors are served once more as
   * failure-percentage ejection for them: an endpoint that failed more than half of at least {@code
   * consecutive} calls in one interval is ejected, also when it is the only one with traffic (a
   * remote cluster's gateway that accepts connections and fails every call, while the local pods
   * are down). Envoy does both; for it the consecutive rule usually ejects first.
   */
  private static void failurePercentage(OutlierDetection.Builder o, int consecutive) {
    o.setEnforcingFailurePercentage(UInt32Value.of(100))
        .setFailurePercentageThreshold(UInt32Value.of(FAILURE_PERCENTAGE_THRESHOLD))
        .setFailurePercentageMinimumHosts(UInt32Value.of(1))
        .setFailurePercentageRequestVolume(UInt32Value.of(consecutive));
  }

  private void outlierDetection(Cluster.Builder b, String where, JsonNode od) {
    var o = OutlierDetection.newBuilder();
    JsonNode c5xx =
        od.has("consecutive5xxErrors")
            ? od.path("consecutive5xxErrors")
            : od.path("consecutiveErrors");
    if (!c5xx.isMissingNode()) {
      int n = c5xx.asInt();
      o.setConsecutive5Xx(UInt32Value.of(n))
          .setEnforcingConsecutive5Xx(UInt32Value.of(n > 0 ? 100 : 0));
      if (n > 0) {
        failurePercentage(o, n);
      }
    }
    if (od.has("consecutiveGatewayErrors")) {
      int n = od.path("consecutiveGatewayErrors").asInt();
      o.setConsecutiveGatewayFailure(UInt32Value.of(n))
          .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(n > 0 ? 100 : 0));
    }
    if (od.has("splitExternalLocalOriginErrors")) {
      o.setSplitExternalLocalOriginErrors(od.path("splitExternalLocalOriginErrors").asBoolean());
    }
    if (od.has("consecutiveLocalOriginFailures")) {
      o.setConsecutiveLocalOriginFailure(
          UInt32Value.of(od.path("consecutiveLocalOriginFailures").asInt()));
    }
    if (od.has("interval")) {
      o.setInterval(
          XdsDurations.parse(
              where + ".outlierDetection.interval", od.path("interval").asText(), diagnostics));
    }
    if (od.has("baseEjectionTime")) {
      o.setBaseEjectionTime(
          XdsDurations.parse(
              where + ".outlierDetection.baseEjectionTime",
              od.path("baseEjectionTime").asText(),
              diagnostics));
    }
    if (od.has("maxEjectionPercent")) {
      o.setMaxEjectionPercent(
          UInt32Value.of(Math.min(100, Math.max(0, od.path("maxEjectionPercent").asInt()))));
    }
    o.setEnforcingSuccessRate(UInt32Value.of(0));
    b.setOutlierDetection(o);
    if (od.has("minHealthPercent")) {
      b.setCommonLbConfig(
          Cluster.CommonLbConfig.newBuilder()
              .setHealthyPanicThreshold(
                  Percent.newBuilder().setValue(od.path("minHealthPercent").asDouble())));
    }
  }

  ClusterLoadAssignment loadAssignment(ClusterModel c) {
    return loadAssignment(c, e -> true);
  }

  /** The load assignment of the cluster's endpoints that {@code include} accepts. */
  ClusterLoadAssignment loadAssignment(ClusterModel c, Predicate<EndpointModel> include) {
    var cla = ClusterLoadAssignment.newBuilder().setClusterName(c.name());
    if (c.portModel() == null) {
      return cla.build();
    }
    JsonNode lb =
        c.dr() == null
            ? null
            : c.dr()
                .path("spec")
                .path("trafficPolicy")
                .path("loadBalancer")
                .path("localityLbSetting");
    boolean localityAware = lb == null || !lb.isObject() || lb.path("enabled").asBoolean(true);
    var failoverTo = new TreeSet<String>();
    if (lb != null) {
      for (JsonNode f : lb.path("failover")) {
        if (f.path("from").asText().equals(inventory.region())) {
          failoverTo.add(f.path("to").asText());
        }
      }
    }
    // locality key -> endpoints (healthy only, matching the subset)
    TreeMap<String, List<EndpointModel>> byLocality = new TreeMap<>();
    for (EndpointModel e : c.portModel().endpoints()) {
      if (!e.healthy() || !matches(e.labels(), c.subsetLabels()) || !include.test(e)) {
        continue;
      }
      byLocality
          .computeIfAbsent(e.region() + "/" + e.zone() + "/" + e.subZone(), k -> new ArrayList<>())
          .add(e);
    }
    TreeMap<String, Integer> tier = new TreeMap<>();
    TreeSet<Integer> tiers = new TreeSet<>();
    for (var entry : byLocality.entrySet()) {
      int t = localityAware ? tier(entry.getValue().get(0), failoverTo) : 0;
      tier.put(entry.getKey(), t);
      tiers.add(t);
    }
    List<Integer> dense = new ArrayList<>(tiers);
    for (var entry : byLocality.entrySet()) {
      EndpointModel first = entry.getValue().get(0);
      var lle =
          LocalityLbEndpoints.newBuilder()
              .setLocality(
                  Locality.newBuilder()
                      .setRegion(first.region())
                      .setZone(first.zone())
                      .setSubZone(first.subZone()))
              .setPriority(dense.indexOf(tier.get(entry.getKey())));
      int weight = 0;
      var eps = new ArrayList<>(entry.getValue());
      eps.sort((a, b) -> (a.address() + ":" + a.port()).compareTo(b.address() + ":" + b.port()));
      // A remote cluster's gateway is listed once per subset as well (each subset selects it by
      // labels); the whole-service cluster selects every copy: one endpoint is served.
      var seen = new TreeSet<String>();
      for (EndpointModel e : eps) {
        if (!seen.add(e.address() + ":" + e.port())) {
          continue;
        }
        lle.addLbEndpoints(lbEndpoint(e));
        weight += e.weight();
      }
      lle.setLoadBalancingWeight(UInt32Value.of(Math.max(1, weight)));
      cla.addEndpoints(lle);
    }
    return cla.build();
  }

  /**
   * 0 = the edge's own region and zone, 1 = its region, 2 = a failover region (every other region
   * when the DestinationRule names none), 3 = the rest.
   */
  private int tier(EndpointModel e, TreeSet<String> failoverTo) {
    if (e.region().equals(inventory.region()) && e.zone().equals(inventory.zone())) {
      return 0;
    } else if (e.region().equals(inventory.region())) {
      return 1;
    } else if (failoverTo.contains(e.region()) || failoverTo.isEmpty()) {
      return 2;
    }
    return 3;
  }

  private static LbEndpoint lbEndpoint(EndpointModel e) {
    var lbe =
        LbEndpoint.newBuilder()
            .setEndpoint(
                Endpoint.newBuilder()
                    .setAddress(
                        Address.newBuilder()
                            .setSocketAddress(
                                SocketAddress.newBuilder()
                                    .setAddress(e.address())
                                    .setPortValue(e.port()))))
            .setHealthStatus(HealthStatus.HEALTHY);
    if (e.weight() > 1) {
      lbe.setLoadBalancingWeight(UInt32Value.of(e.weight()));
    }
    return lbe.build();
  }

  private static boolean matches(Map<String, String> labels, Map<String, String> selector) {
    for (var s : selector.entrySet()) {
      if (!s.getValue().equals(labels.get(s.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
