package dev.trestle.translator;

import dev.trestle.protocol.v1.EgressGatewaySpec;
import dev.trestle.protocol.v1.ExternalHost;
import dev.trestle.protocol.v1.ExternalPort;
import dev.trestle.protocol.v1.HostResolution;
import dev.trestle.protocol.v1.Resource;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ClientTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.L4MatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.Port;
import io.fabric8.istio.api.api.networking.v1alpha3.PortSelector;
import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Server;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ServerTLSSettingsTLSmode;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryLocation;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.ServicePort;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TLSMatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.TLSRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicyPortTrafficPolicy;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Condition;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.api.security.v1beta1.RuleTo;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.Gateway;
import io.fabric8.istio.api.networking.v1.ServiceEntry;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Istio objects of egress, after Istio's egress-gateway task with mutual TLS between the
 * sidecars and the gateway (so the gateway knows who calls and its AuthorizationPolicy can judge):
 *
 * <ul>
 *   <li>per client namespace and host: a MESH_EXTERNAL ServiceEntry exported to that namespace
 *       only; through a gateway also a VirtualService (exported there only) sending the host's port
 *       to the gateway service on 443, and one DestinationRule per gateway with a subset per host
 *       that originates ISTIO_MUTUAL with the host as SNI;
 *   <li>per gateway, in its namespace: the hosts' ServiceEntries, a Gateway with ISTIO_MUTUAL
 *       servers on 443 (HTTPS for HTTP-family hosts, TLS for TLS ones), one VirtualService per host
 *       from the gateway to the host's port, and an ALLOW AuthorizationPolicy admitting per host
 *       only the client namespaces and principals the gateway's grants let through.
 * </ul>
 */
final class EgressGatewayObjects {
  static final int GATEWAY_PORT = 443;
  private static final Set<String> HTTP_FAMILY = Set.of("HTTP", "HTTP2", "GRPC");

  private final Emission emission;
  // gateway FQN -> its use here, in FQN order (deterministic output).
  private final Map<String, Use> uses = new TreeMap<>();
  // "namespace|gateway FQN" -> hosts the namespace sends there, for its DestinationRule.
  private final Map<String, ClientRule> clientRules = new TreeMap<>();

  EgressGatewayObjects(Emission emission) {
    this.emission = emission;
  }

  /** The gateway, the hosts sent through it here, who sends each, and who decided. */
  private static final class Use {
    final Resource gateway;
    final Map<String, ExternalHost> hosts = new TreeMap<>();
    final Map<String, SortedSet<String>> namespaces = new TreeMap<>();
    final Map<String, Resource> inputs = new TreeMap<>();

    Use(Resource gateway) {
      this.gateway = gateway;
    }
  }

  private record ClientRule(String namespace, Resource gateway, Map<String, Resource> hosts) {}

  /**
   * {@code <ns>/<service>.<ns>.svc.cluster.local}: the gateway service, as a Sidecar egress host.
   */
  static String gatewayServiceNamespacedHost(Resource gateway) {
    EgressGatewaySpec spec = gateway.getEgressGateway();
    return spec.getWorkloadNamespace() + "/" + gatewayService(spec);
  }

  private static String gatewayService(EgressGatewaySpec spec) {
    return new ServiceRef(spec.getWorkloadNamespace(), spec.getService()).host();
  }

  static boolean httpFamily(ExternalPort port) {
    return HTTP_FAMILY.contains(port.getProtocol());
  }

  /** A MESH_EXTERNAL ServiceEntry for {@code host} in {@code namespace}, exported there only. */
  void serviceEntry(String namespace, Resource source, ExternalHost host, List<Resource> inputs) {
    var spec = new io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry();
    spec.setHosts(List.of(host.getHost()));
    spec.setExportTo(List.of("."));
    spec.setLocation(ServiceEntryLocation.MESH_EXTERNAL);
    spec.setResolution(resolution(host));
    var ports = new ArrayList<ServicePort>();
    for (ExternalPort p : host.getPortsList()) {
      var port = new ServicePort();
      port.setNumber((long) p.getNumber());
      port.setProtocol(p.getProtocol());
      port.setName(p.getProtocol().toLowerCase(Locale.ROOT) + "-" + p.getNumber());
      ports.add(port);
    }
    spec.setPorts(ports);
    Provenance p = Provenance.of(source, inputs);
    var se = new ServiceEntry();
    se.setMetadata(p.meta(hostObjectName(source, host.getHost()), namespace));
    se.setSpec(spec);
    emission.emit(se, p);
  }

  private static ServiceEntryResolution resolution(ExternalHost host) {
    HostResolution r = host.getResolution();
    if (r == HostResolution.DNS_ROUND_ROBIN) {
      return ServiceEntryResolution.DNS_ROUND_ROBIN;
    }
    if (r == HostResolution.NONE || (r != HostResolution.DNS && host.getHost().startsWith("*"))) {
      return ServiceEntryResolution.NONE;
    }
    return ServiceEntryResolution.DNS;
  }

  private static String hostObjectName(Resource source, String host) {
    return ObjectNames.name(
        source.getMetadata().getName() + "-" + host.replace("*", "wildcard"),
        Provenance.fqn(source) + "#" + host);
  }

  /**
   * The client half for {@code host} in {@code namespace}: a mesh VirtualService to the gateway
   * service; the DestinationRule follows in {@link #emitGatewaySides}. {@code byScope}: the
   * namespace as a whole is admitted at the gateway (else only principals of its are).
   */
  void clientRoute(
      String namespace, Resource source, Resource gateway, ExternalHost host, boolean byScope) {
    ExternalPort port = host.getPorts(0);
    String gwHost = gatewayService(gateway.getEgressGateway());
    String subset = subsetName(host.getHost());
    var vsSpec = new io.fabric8.istio.api.api.networking.v1alpha3.VirtualService();
    vsSpec.setHosts(List.of(host.getHost()));
    vsSpec.setExportTo(List.of("."));
    if (httpFamily(port)) {
      var match = new HTTPMatchRequest();
      match.setPort((long) port.getNumber());
      var route = new HTTPRoute();
      route.setMatch(List.of(match));
      route.setRoute(List.of(IstioTraffic.destination(gwHost, subset, GATEWAY_PORT, 0)));
      vsSpec.setHttp(List.of(route));
    } else {
      var match = new TLSMatchAttributes();
      match.setPort((long) port.getNumber());
      match.setSniHosts(List.of(host.getHost()));
      var route = new TLSRoute();
      route.setMatch(List.of(match));
      route.setRoute(List.of(l4Destination(gwHost, subset, GATEWAY_PORT)));
      vsSpec.setTls(List.of(route));
    }
    Provenance p = Provenance.of(source, List.of(gateway));
    var vs = new VirtualService();
    vs.setMetadata(p.meta(hostObjectName(source, host.getHost()), namespace));
    vs.setSpec(vsSpec);
    emission.emit(vs, p);

    clientRules
        .computeIfAbsent(
            namespace + "|" + Provenance.fqn(gateway),
            k -> new ClientRule(namespace, gateway, new TreeMap<>()))
        .hosts()
        .put(host.getHost(), source);
    Use use = uses.computeIfAbsent(Provenance.fqn(gateway), k -> new Use(gateway));
    use.hosts.putIfAbsent(host.getHost(), host);
    use.inputs.put(Provenance.fqn(source), source);
    SortedSet<String> admitted =
        use.namespaces.computeIfAbsent(host.getHost(), h -> new TreeSet<>());
    if (byScope) {
      admitted.add(namespace);
    }
  }

  private static String subsetName(String host) {
    return ObjectNames.name(host, host);
  }

  private static RouteDestination l4Destination(String host, String subset, int port) {
    var dest = new Destination();
    dest.setHost(host);
    if (subset != null) {
      dest.setSubset(subset);
    }
    dest.setPort(new PortSelector((long) port));
    var out = new RouteDestination();
    out.setDestination(dest);
    return out;
  }

  /** The client DestinationRules, then each used gateway's own objects. */
  void emitGatewaySides() {
    clientRules.values().forEach(this::clientDestinationRule);
    uses.values().forEach(this::gatewaySide);
  }

  private void clientDestinationRule(ClientRule rule) {
    var subsets = new ArrayList<Subset>();
    rule.hosts()
        .keySet()
        .forEach(
            host -> {
              var tls = new ClientTLSSettings();
              tls.setMode(ClientTLSSettingsTLSmode.ISTIO_MUTUAL);
              tls.setSni(host);
              var portPolicy = new TrafficPolicyPortTrafficPolicy();
              portPolicy.setPort(new PortSelector((long) GATEWAY_PORT));
              portPolicy.setTls(tls);
              var policy = new TrafficPolicy();
              policy.setPortLevelSettings(List.of(portPolicy));
              var subset = new Subset();
              subset.setName(subsetName(host));
              subset.setTrafficPolicy(policy);
              subsets.add(subset);
            });
    var spec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
    spec.setHost(gatewayService(rule.gateway().getEgressGateway()));
    spec.setExportTo(List.of("."));
    spec.setSubsets(subsets);
    Provenance p = Provenance.of(rule.gateway(), rule.hosts().values());
    var dr = new DestinationRule();
    dr.setMetadata(p.meta(gatewayObjectName(rule.gateway(), "clients"), rule.namespace()));
    dr.setSpec(spec);
    emission.emit(dr, p);
  }

  private static String gatewayObjectName(Resource gateway, String part) {
    return ObjectNames.name(
        gateway.getMetadata().getName() + (part.isEmpty() ? "" : "-" + part),
        Provenance.fqn(gateway) + (part.isEmpty() ? "" : "#" + part));
  }

  private void gatewaySide(Use use) {
    Resource gateway = use.gateway;
    EgressGatewaySpec spec = gateway.getEgressGateway();
    String ns = spec.getWorkloadNamespace();
    Provenance p = Provenance.of(gateway, use.inputs.values());
    String gatewayName = gatewayObjectName(gateway, "");

    var httpHosts = new ArrayList<String>();
    var tlsHosts = new ArrayList<String>();
    var rules = new ArrayList<Rule>();
    for (ExternalHost host : use.hosts.values()) {
      serviceEntry(ns, gateway, host, new ArrayList<>(use.inputs.values()));
      boolean http = httpFamily(host.getPorts(0));
      (http ? httpHosts : tlsHosts).add(host.getHost());
      gatewayRoute(ns, gatewayName, host, http, p);
      Rule rule = admission(gateway, host.getHost(), use.namespaces.get(host.getHost()), http);
      if (rule != null) {
        rules.add(rule);
      }
    }
    var servers = new ArrayList<Server>();
    if (!httpHosts.isEmpty()) {
      servers.add(server("https-egress", "HTTPS", httpHosts));
    }
    if (!tlsHosts.isEmpty()) {
      servers.add(server("tls-egress", "TLS", tlsHosts));
    }
    var gwSpec = new io.fabric8.istio.api.api.networking.v1alpha3.Gateway();
    gwSpec.setSelector(new TreeMap<>(spec.getWorkloadSelectorMap()));
    gwSpec.setServers(servers);
    var gw = new Gateway();
    gw.setMetadata(p.meta(gatewayName, ns));
    gw.setSpec(gwSpec);
    emission.emit(gw, p);

    var apSpec = new io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy();
    apSpec.setAction(AuthorizationPolicyAction.ALLOW);
    apSpec.setSelector(new WorkloadSelector(new TreeMap<>(spec.getWorkloadSelectorMap())));
    // No rule left: an ALLOW policy without rules admits nothing (fail closed).
    apSpec.setRules(rules.isEmpty() ? null : rules);
    var ap = new AuthorizationPolicy();
    ap.setMetadata(p.meta(gatewayName, ns));
    ap.setSpec(apSpec);
    emission.emit(ap, p);
  }

  private static Server server(String name, String protocol, List<String> hosts) {
    var port = new Port();
    port.setNumber((long) GATEWAY_PORT);
    port.setName(name);
    port.setProtocol(protocol);
    var tls = new ServerTLSSettings();
    tls.setMode(ServerTLSSettingsTLSmode.ISTIO_MUTUAL);
    var server = new Server();
    server.setName(name);
    server.setPort(port);
    server.setHosts(List.copyOf(hosts));
    server.setTls(tls);
    return server;
  }

  private void gatewayRoute(
      String ns, String gatewayName, ExternalHost host, boolean http, Provenance p) {
    int port = host.getPorts(0).getNumber();
    var vsSpec = new io.fabric8.istio.api.api.networking.v1alpha3.VirtualService();
    vsSpec.setHosts(List.of(host.getHost()));
    vsSpec.setGateways(List.of(ns + "/" + gatewayName));
    vsSpec.setExportTo(List.of("."));
    if (http) {
      var match = new HTTPMatchRequest();
      match.setGateways(List.of(ns + "/" + gatewayName));
      match.setPort((long) GATEWAY_PORT);
      var route = new HTTPRoute();
      route.setMatch(List.of(match));
      HTTPRouteDestination dest = IstioTraffic.destination(host.getHost(), null, port, 0);
      route.setRoute(List.of(dest));
      vsSpec.setHttp(List.of(route));
    } else {
      var match = new L4MatchAttributes();
      match.setGateways(List.of(ns + "/" + gatewayName));
      match.setPort((long) GATEWAY_PORT);
      var route = new TCPRoute();
      route.setMatch(List.of(match));
      route.setRoute(List.of(l4Destination(host.getHost(), null, port)));
      vsSpec.setTcp(List.of(route));
    }
    var vs = new VirtualService();
    vs.setMetadata(p.meta(hostObjectName(p.source(), host.getHost()), ns));
    vs.setSpec(vsSpec);
    emission.emit(vs, p);
  }

  /**
   * The ALLOW rule for one host: from the admitted namespaces, or the principals the grants name;
   * to the host (HTTP: the Host header; TLS: the SNI of the mutual-TLS connection). Null when
   * nobody is admitted.
   */
  private static Rule admission(
      Resource gateway, String host, SortedSet<String> namespaces, boolean http) {
    var from = new ArrayList<RuleFrom>();
    if (namespaces != null && !namespaces.isEmpty()) {
      var source = new Source();
      source.setNamespaces(List.copyOf(namespaces));
      from.add(new RuleFrom(source));
    }
    SortedSet<String> principals = EgressGrants.principals(gateway, host);
    if (!principals.isEmpty()) {
      var source = new Source();
      source.setPrincipals(List.copyOf(principals));
      from.add(new RuleFrom(source));
    }
    if (from.isEmpty()) {
      return null;
    }
    var rule = new Rule();
    rule.setFrom(from);
    if (http) {
      var op = new Operation();
      op.setHosts(List.of(host, host + ":*"));
      rule.setTo(List.of(new RuleTo(op)));
    } else {
      var sni = new Condition();
      sni.setKey("connection.sni");
      sni.setValues(List.of(host));
      rule.setWhen(List.of(sni));
    }
    return rule;
  }
}
