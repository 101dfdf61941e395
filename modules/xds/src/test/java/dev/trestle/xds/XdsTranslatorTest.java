package dev.trestle.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class XdsTranslatorTest {
  private static final String CART = "cart.checkout.svc.cluster.local";

  private static ClusterLoadAssignment cla(XdsSnapshot s, String cluster) {
    return s.endpoints().stream()
        .filter(c -> c.getClusterName().equals(cluster))
        .findFirst()
        .orElseThrow();
  }

  /** sub-zone (cluster) -> priority */
  private static Map<String, Integer> priorities(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream()
        .collect(
            Collectors.toMap(l -> l.getLocality().getSubZone(), LocalityLbEndpoints::getPriority));
  }

  @Test
  void sameInputInAnyOrderGivesTheSameSnapshotAndVersion() throws Exception {
    for (String name : List.of("failover", "subsets")) {
      var in = Fixtures.load(name + ".yaml");
      XdsSnapshot first = Fixtures.translate(in.inventory(), in.objects());
      var shuffled = new ArrayList<>(in.objects());
      Collections.shuffle(shuffled, new Random(42));
      var services = new ArrayList<>(in.inventory().services());
      Collections.reverse(services);
      var inv =
          new LocalInventory(
              in.inventory().cluster(),
              in.inventory().network(),
              in.inventory().region(),
              in.inventory().zone(),
              services);
      XdsSnapshot again = Fixtures.translate(inv, shuffled);
      assertThat(again.render()).isEqualTo(first.render());
      assertThat(again.version()).isEqualTo(first.version()).hasSize(16);
    }
  }

  @Test
  void versionChangesWithContentOnly() throws Exception {
    var in = Fixtures.load("failover.yaml");
    String v1 = Fixtures.translate(in.inventory(), in.objects()).version();
    assertThat(Fixtures.translate(in.inventory(), in.objects()).version()).isEqualTo(v1);
    String v2 = Fixtures.translate(withLocalHealth(in.inventory(), false), in.objects()).version();
    assertThat(v2).isNotEqualTo(v1);
  }

  @Test
  void localityPrioritiesFailOverToRemoteClustersWhenLocalEndpointsAreUnhealthy() throws Exception {
    var in = Fixtures.load("failover.yaml");
    XdsSnapshot healthy = Fixtures.translate(in.inventory(), in.objects());
    ClusterLoadAssignment cla = cla(healthy, "outbound|8080||" + CART);
    // own zone 0, same region 1, the failover region 2, the rest 3
    assertThat(priorities(cla))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("eu-west-1a", 0, "eu-west-1b", 1, "us-east-1a", 2, "ap-south-1a", 3));
    LocalityLbEndpoints local =
        cla.getEndpointsList().stream().filter(l -> l.getPriority() == 0).findFirst().orElseThrow();
    // only the healthy local address, on its target port
    assertThat(local.getLbEndpointsList()).hasSize(1);
    assertThat(local.getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue())
        .isEqualTo(18080);
    assertThat(cla.getEndpointsList())
        .allSatisfy(l -> assertThat(l.getLoadBalancingWeight().getValue()).isPositive());
    LocalityLbEndpoints euB =
        cla.getEndpointsList().stream()
            .filter(l -> l.getLocality().getSubZone().equals("eu-west-1b"))
            .findFirst()
            .orElseThrow();
    assertThat(euB.getLoadBalancingWeight().getValue()).isEqualTo(3);
    assertThat(euB.getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue())
        .isEqualTo(15443);

    XdsSnapshot down = Fixtures.translate(withLocalHealth(in.inventory(), false), in.objects());
    // no healthy local endpoint: its locality is gone and priorities stay dense from 0
    assertThat(priorities(cla(down, "outbound|8080||" + CART)))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("eu-west-1b", 0, "us-east-1a", 1, "ap-south-1a", 2));
  }

  @Test
  void subsetClustersFailOverToOtherClustersThroughTheirGatewayToo() throws Exception {
    // Issue 15 point 8: cart's 90/10 stable/canary split lost cross-cluster failover because the
    // subset clusters held local endpoints only ("priority policy has empty priority list").
    var in = Fixtures.acmeWithCatalog();
    XdsSnapshot healthy = Fixtures.translate(in.inventory(), in.objects());
    for (String subset : List.of("stable", "canary")) {
      ClusterLoadAssignment cla = cla(healthy, "outbound|8080|" + subset + "|" + CART);
      assertThat(priorities(cla))
          .as(subset)
          .containsExactlyInAnyOrderEntriesOf(Map.of("eu-west-1a", 0, "eu-west-1b", 1));
    }
    XdsSnapshot down = Fixtures.translate(withLocalHealth(in.inventory(), false), in.objects());
    for (String subset : List.of("stable", "canary")) {
      ClusterLoadAssignment cla = cla(down, "outbound|8080|" + subset + "|" + CART);
      assertThat(priorities(cla)).as(subset).containsExactlyEntriesOf(Map.of("eu-west-1b", 0));
      var remote = cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress();
      assertThat(remote.getSocketAddress().getAddress()).isEqualTo("10.2.0.10");
      assertThat(remote.getSocketAddress().getPortValue()).isEqualTo(15443);
    }
    // The whole-service cluster selects the gateway's per-subset copies too: served once.
    ClusterLoadAssignment whole = cla(down, "outbound|8080||" + CART);
    assertThat(whole.getEndpointsList()).singleElement();
    assertThat(whole.getEndpoints(0).getLbEndpointsList()).hasSize(1);
  }

  @Test
  void aServiceEntryWithAWorkloadSelectorServesTheMatchingWorkloadEntriesOfItsNamespaceOnly()
      throws Exception {
    // Central publishes one WorkloadEntry per remote cluster (issue 21, P7); Istio's rule: the
    // entry selects WorkloadEntries of its own namespace whose labels include all of its selector.
    String entry =
        "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"ServiceEntry\","
            + "\"metadata\":{\"name\":\"remote-api\",\"namespace\":\"shop\"},"
            + "\"spec\":{\"hosts\":[\"api.shop.svc.cluster.local\"],\"location\":\"MESH_INTERNAL\","
            + "\"resolution\":\"STATIC\",\"ports\":[{\"name\":\"http\",\"number\":8080,"
            + "\"protocol\":\"HTTP\"}],\"workloadSelector\":{\"labels\":{\"sel\":\"api\"}}}}";
    var objects =
        List.of(
            entry,
            workloadEntry("shop", "c2", "10.0.0.2", Map.of("sel", "api")),
            workloadEntry("other", "c3", "10.0.0.3", Map.of("sel", "api")),
            workloadEntry("shop", "c4", "10.0.0.4", Map.of("sel", "web")),
            workloadEntry("shop", "c5", "10.0.0.5", Map.of()));
    var in = Fixtures.load("failover.yaml");
    ClusterLoadAssignment cla =
        cla(
            Fixtures.translate(in.inventory(), objects),
            "outbound|8080||api.shop.svc.cluster.local");
    assertThat(cla.getEndpointsList()).singleElement();
    var address = cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress();
    assertThat(address.getSocketAddress().getAddress()).isEqualTo("10.0.0.2");
    assertThat(address.getSocketAddress().getPortValue()).isEqualTo(15443);
    assertThat(cla.getEndpoints(0).getLocality().getSubZone()).isEqualTo("c2");
  }

  private static String workloadEntry(
      String namespace, String cluster, String address, Map<String, String> labels)
      throws Exception {
    var all = new TreeMap<>(labels);
    all.put("topology.istio.io/cluster", cluster);
    return "{\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"WorkloadEntry\","
        + "\"metadata\":{\"name\":\"we-"
        + cluster
        + "\",\"namespace\":\""
        + namespace
        + "\"},\"spec\":{\"address\":\""
        + address
        + "\",\"ports\":{\"http\":15443},\"locality\":\"r2/z2\",\"labels\":"
        + Fixtures.JSON.writeValueAsString(all)
        + "}}";
  }

  @Test
  void listenersAreNamedAfterTheTargetAndCarryTheRouterFilter() throws Exception {
    var in = Fixtures.load("failover.yaml");
    XdsSnapshot s = Fixtures.translate(in.inventory(), in.objects());
    // GRPC/HTTP ports get listeners; the TCP metrics port only a cluster
    assertThat(s.listeners())
        .extracting(l -> l.getName())
        .containsExactly(CART + ":8080", "ledger-api.ledger.svc.cluster.local:8443");
    assertThat(s.clusters()).extracting(c -> c.getName()).contains("outbound|9090||" + CART);
    HttpConnectionManager hcm =
        s.listeners().get(0).getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList())
        .extracting(f -> f.getName())
        .containsExactly(XdsTranslator.ROUTER_FILTER);
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo(CART + ":8080");
    assertThat(s.routes().get(0).getVirtualHosts(0).getDomainsList())
        .containsExactly(CART + ":8080", CART);
  }

  @Test
  void weightedSubsetsMatchesTimeoutsAndRetries() throws Exception {
    var in = Fixtures.load("subsets.yaml");
    XdsSnapshot s = Fixtures.translate(in.inventory(), in.objects());
    RouteConfiguration rc =
        s.routes().stream()
            .filter(r -> r.getName().equals("who.shop.svc.cluster.local:50051"))
            .findFirst()
            .orElseThrow();
    List<Route> routes = rc.getVirtualHosts(0).getRoutesList();
    // the match on port 9999 is left out; weight 0 next to 100 is dropped
    assertThat(routes)
        .extracting(Route::getName)
        .containsExactly("canary-opt-in/canary-header", "reads", "default");
    Route canary = routes.get(0);
    assertThat(canary.getMatch().getHeaders(0).getName()).isEqualTo("x-canary");
    assertThat(canary.getRoute().getCluster())
        .isEqualTo("outbound|50051|v2|who.shop.svc.cluster.local");
    assertThat(canary.getRoute().getTimeout().getSeconds()).isEqualTo(2);
    assertThat(canary.getRoute().getMaxStreamDuration().getMaxStreamDuration().getSeconds())
        .isEqualTo(2);
    assertThat(canary.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(2);
    assertThat(canary.getRoute().getRetryPolicy().getPerTryTimeout().getNanos())
        .isEqualTo(500_000_000);
    Route reads = routes.get(1);
    assertThat(reads.getMatch().getPrefix()).isEqualTo("/who.Who/");
    assertThat(reads.getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight().getValue())
        .containsExactly(
            "outbound|50051|v1|who.shop.svc.cluster.local=80",
            "outbound|50051|v2|who.shop.svc.cluster.local=20");
    assertThat(routes.get(2).getRoute().getCluster())
        .isEqualTo("outbound|50051|v1|who.shop.svc.cluster.local");
    // subset clusters hold only the endpoints with the subset's labels
    assertThat(
            cla(s, "outbound|50051|v2|who.shop.svc.cluster.local")
                .getEndpoints(0)
                .getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .containsExactly(40002);
    // who has its own DestinationRule, which wins whole (Istio); web gets the wildcard one:
    // outlier detection, and RANDOM served as ROUND_ROBIN
    var who =
        s.clusters().stream()
            .filter(c -> c.getName().equals("outbound|50051||who.shop.svc.cluster.local"))
            .findFirst()
            .orElseThrow();
    assertThat(who.hasOutlierDetection()).isFalse();
    var web =
        s.clusters().stream()
            .filter(c -> c.getName().equals("outbound|8080||web.shop.svc.cluster.local"))
            .findFirst()
            .orElseThrow();
    assertThat(web.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(3);
    assertThat(web.getOutlierDetection().getBaseEjectionTime().getSeconds()).isEqualTo(90);
    assertThat(s.diagnostics()).anyMatch(d -> d.contains("RANDOM"));
    assertThat(s.diagnostics())
        .anyMatch(d -> d.contains("search.shop.svc.cluster.local:80 is neither"));
    // the gateway-bound VirtualService is not for mesh clients
    assertThat(s.listeners()).extracting(l -> l.getName()).doesNotContain("shop.example.com:8080");
  }

  @Test
  void leastRequestIsServedWithARoundRobinFallbackThatEveryProxylessClientAccepts()
      throws Exception {
    var in = Fixtures.load("failover.yaml"); // cart's DestinationRule: LEAST_REQUEST
    XdsSnapshot s = Fixtures.translate(in.inventory(), in.objects()); // grpc-js rules: no errors
    var cart =
        s.clusters().stream()
            .filter(c -> c.getName().equals("outbound|8080||" + CART))
            .findFirst()
            .orElseThrow();
    // Clients that predate load_balancing_policy read lb_policy: the one all of them know.
    assertThat(cart.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    // A52 clients walk the list: grpc-js knows no least_request and takes round_robin ...
    assertThat(GrpcJsClusterRules.convert(cart.getLoadBalancingPolicy(), 0))
        .isEqualTo("xds_wrr_locality(round_robin)");
    // ... while least_request comes first for those that have it (grpc-java, in modules/edge).
    var wrr =
        cart.getLoadBalancingPolicy()
            .getPolicies(0)
            .getTypedExtensionConfig()
            .getTypedConfig()
            .unpack(WrrLocality.class);
    assertThat(wrr.getEndpointPickingPolicy().getPoliciesList())
        .extracting(p -> p.getTypedExtensionConfig().getTypedConfig().getTypeUrl())
        .containsExactly(
            "type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3"
                + ".LeastRequest",
            GrpcJsClusterRules.ROUND_ROBIN);
    assertThat(s.diagnostics())
        .anyMatch(d -> d.contains("LEAST_REQUEST is served as load_balancing_policy"));
  }

  /**
   * Gateway TLS (opt-in): a port with remote gateways (endpoints labelled tlsMode istio) becomes an
   * aggregate of a plaintext child with the local endpoints and a TLS child with the gateways,
   * Istio's SNI and the named certificate provider; the aggregate lists only the children that have
   * an endpoint (grpc-java keeps using an emptied child's old connections); a port without gateways
   * and every port without the option stay as they were. Every Cluster passes grpc-js's rules with
   * the provider in its bootstrap (Fixtures.translate).
   */
  @Test
  void withGatewayTlsAPortWithRemoteGatewaysIsAnAggregateOfAPlainAndATlsCluster() throws Exception {
    var in = Fixtures.load("failover.yaml");
    var objects =
        in.objects().stream()
            .map(
                o ->
                    o.replace(
                        "\"topology.istio.io/cluster\"",
                        "\"security.istio.io/tlsMode\":\"istio\",\"topology.istio.io/cluster\""))
            .toList();
    assertThat(objects).isNotEqualTo(in.objects());
    var gatewayTls = Optional.of(new GatewayTls("default"));
    XdsSnapshot plain = Fixtures.translate(in.inventory(), objects);
    XdsSnapshot tls = Fixtures.translate(in.inventory(), objects, gatewayTls);
    String cart = "outbound|8080||" + CART;
    assertThat(plain.clusters()).noneMatch(Cluster::hasTransportSocket);
    assertThat(plain.clusters()).noneMatch(Cluster::hasClusterType);
    assertThat(plain.clusters())
        .extracting(Cluster::getName)
        .contains(cart)
        .doesNotContain(cart + "~mtls");
    // Without a gateway label nothing changes, flag or not.
    assertThat(Fixtures.translate(in.inventory(), in.objects(), gatewayTls).version())
        .isEqualTo(Fixtures.translate(in.inventory(), in.objects()).version());

    Cluster aggregate = cluster(tls, cart);
    assertThat(aggregate.getClusterType().getName()).isEqualTo("envoy.clusters.aggregate");
    assertThat(children(aggregate)).containsExactly(cart + "~plain", cart + "~mtls");
    assertThat(cluster(tls, cart + "~plain").hasTransportSocket()).isFalse();
    Cluster mtls = cluster(tls, cart + "~mtls");
    assertThat(mtls.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    UpstreamTlsContext context =
        mtls.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(context.getSni()).isEqualTo("outbound_.8080_._." + CART);
    var common = context.getCommonTlsContext();
    assertThat(common.getTlsCertificateProviderInstance().getInstanceName()).isEqualTo("default");
    assertThat(common.getTlsCertificateProviderInstance().getCertificateName())
        .isEqualTo("default");
    var ca = common.getValidationContext().getCaCertificateProviderInstance();
    assertThat(ca.getInstanceName()).isEqualTo("default");
    assertThat(ca.getCertificateName()).isEqualTo("ROOTCA");
    // The TLS child keeps the DestinationRule's policy (LEAST_REQUEST with its fallback).
    assertThat(mtls.getLoadBalancingPolicy())
        .isEqualTo(cluster(plain, cart).getLoadBalancingPolicy());
    // The local endpoint in the plain child, the three gateways in the TLS child.
    assertThat(addresses(cla(tls, cart + "~plain"))).containsExactly("10.0.0.11");
    assertThat(addresses(cla(tls, cart + "~mtls")))
        .containsExactlyInAnyOrder("192.0.2.20", "198.51.100.30", "203.0.113.40");
    assertThat(tls.endpoints()).noneMatch(c -> c.getClusterName().equals(cart));
    // The ledger port is known only from its gateways: an aggregate of its TLS child alone.
    String ledger = "outbound|8443||ledger-api.ledger.svc.cluster.local";
    assertThat(children(cluster(tls, ledger))).containsExactly(ledger + "~mtls");
    assertThat(addresses(cla(tls, ledger + "~plain"))).isEmpty();

    // Local endpoints unhealthy: the aggregate lists the TLS child alone.
    XdsSnapshot down =
        Fixtures.translate(withLocalHealth(in.inventory(), false), objects, gatewayTls);
    assertThat(children(cluster(down, cart))).containsExactly(cart + "~mtls");
    assertThat(addresses(cla(down, cart + "~plain"))).isEmpty();
    // No endpoint in either child (a subset no gateway serves, its local pods down): both, as the
    // single cluster would have stayed.
    var empty = ClusterLoadAssignment.newBuilder();
    assertThat(
            children(
                GatewayTlsClusters.aggregate(
                    new XdsModel.ClusterModel(cart, CART, 8080, "", Map.of(), null, null),
                    empty.setClusterName(cart + "~plain").build(),
                    empty.setClusterName(cart + "~mtls").build())))
        .containsExactly(cart + "~plain", cart + "~mtls");
  }

  /** An aggregate cluster's children, in priority order. */
  private static List<String> children(Cluster aggregate) throws Exception {
    return aggregate
        .getClusterType()
        .getTypedConfig()
        .unpack(ClusterConfig.class)
        .getClustersList();
  }

  private static Cluster cluster(XdsSnapshot s, String name) {
    return s.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> addresses(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .toList();
  }

  static LocalInventory withLocalHealth(LocalInventory inv, boolean healthy) {
    var services = new ArrayList<LocalInventory.Service>();
    for (var s : inv.services()) {
      var eps =
          s.endpoints().stream()
              .map(
                  e ->
                      new LocalInventory.Endpoint(
                          e.address(), e.port(), e.ports(), e.labels(), healthy))
              .toList();
      services.add(
          new LocalInventory.Service(
              s.namespace(), s.name(), s.hostname(), s.ports(), s.labels(), eps));
    }
    return new LocalInventory(inv.cluster(), inv.network(), inv.region(), inv.zone(), services);
  }
}
