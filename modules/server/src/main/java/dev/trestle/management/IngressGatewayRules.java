package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.GatewayServer;
import dev.trestle.protocol.v1.IngressGatewaySpec;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An ingress gateway: servers (ports, protocols, hosts, TLS) and routes to services. */
final class IngressGatewayRules implements KindRules {
  private static final Set<String> GATEWAY_PROTOCOLS =
      Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "TLS", "TCP");

  @Override
  public void check(Resource resource, Checks c) {
    IngressGatewaySpec spec = resource.getIngressGateway();
    spec.getWorkloadSelectorMap()
        .forEach((k, v) -> c.labelPair("spec.workloadSelector." + k, k, v));
    if (spec.getWorkloadSelectorCount() == 0) {
      c.add("spec.workloadSelector", "at least one label selecting the gateway pods is required");
    }
    if (!spec.getWorkloadNamespace().isEmpty()) {
      c.name("spec.workloadNamespace", spec.getWorkloadNamespace());
    }
    if (spec.getServersCount() == 0) {
      c.add("spec.servers", "at least one server is required");
    }
    var ports = new HashSet<Integer>();
    var hosts = new ArrayList<String>();
    for (int i = 0; i < spec.getServersCount(); i++) {
      server(c, "spec.servers[" + i + "]", spec.getServers(i), ports, hosts);
    }
    var limitedNames = new HashSet<String>();
    for (int i = 0; i < spec.getRoutesCount(); i++) {
      route(c, "spec.routes[" + i + "]", spec.getRoutes(i), hosts);
      rateLimit(c, "spec.routes[" + i + "]", spec.getRoutes(i), limitedNames);
    }
    ExtensionRules.attachments(c, resource, "spec.extensions", spec.getExtensionsList());
    if (spec.hasWaf()) {
      WafRules.check(c, "spec.waf", spec.getWaf());
    }
  }

  /**
   * A rate-limited route is found in the gateway's Envoy configuration by its name, so it needs
   * one, unique among the gateway's rate-limited routes.
   */
  private static void rateLimit(Checks c, String f, GatewayRoute route, Set<String> names) {
    if (!route.hasRateLimit()) {
      return;
    }
    RateLimitRules.check(c, f + ".rateLimit", route.getRateLimit());
    if (route.getName().isEmpty()) {
      c.add(f + ".name", "is required on a route with a rateLimit");
    } else if (!names.add(route.getName())) {
      c.add(f + ".name", "duplicate name '" + route.getName() + "' among rate-limited routes");
    }
  }

  private static void server(
      Checks c, String f, GatewayServer s, Set<Integer> ports, List<String> hosts) {
    c.port(f + ".port", s.getPort(), true);
    if (!ports.add(s.getPort())) {
      c.add(f + ".port", "duplicate port " + s.getPort());
    }
    if (!GATEWAY_PROTOCOLS.contains(s.getProtocol())) {
      c.add(
          f + ".protocol",
          "'" + s.getProtocol() + "' is not one of " + Checks.sorted(GATEWAY_PROTOCOLS));
    }
    if (s.getHostsCount() == 0) {
      c.add(f + ".hosts", "at least one host is required");
    }
    for (int j = 0; j < s.getHostsCount(); j++) {
      if (!Names.HOST.matcher(s.getHosts(j)).matches()) {
        c.add(f + ".hosts[" + j + "]", "'" + s.getHosts(j) + "' is not a host name or wildcard");
      }
      hosts.add(s.getHosts(j));
    }
    GatewayTlsRules.check(c, f + ".tls", s.getProtocol(), s.hasTls(), s.getTls());
    if (s.hasJwt()) {
      JwtRules.policy(c, f + ".jwt", s.getJwt());
    }
  }

  private static void route(Checks c, String f, GatewayRoute route, List<String> hosts) {
    if (route.getHost().isEmpty()) {
      c.add(f + ".host", "is required");
    } else if (hosts.stream().noneMatch(h -> hostMatches(h, route.getHost()))) {
      c.add(f + ".host", "'" + route.getHost() + "' is not served by any server " + hosts);
    }
    for (int j = 0; j < route.getMatchCount(); j++) {
      HttpRules.match(c, f + ".match[" + j + "]", route.getMatch(j));
    }
    Placement.service(c, f + ".service", route.getService(), true);
    c.port(f + ".port", route.getPort(), false);
    if (!route.getSubset().isEmpty()) {
      c.name(f + ".subset", route.getSubset());
    }
    if (!route.getServiceRoute().isEmpty()) {
      ReferenceRules.fqnsOfKind(
          c, f + ".serviceRoute", List.of(route.getServiceRoute()), Kind.SERVICE_ROUTE);
    }
    c.duration(f + ".timeout", route.getTimeout());
    if (route.hasCors()) {
      CorsRules.check(c, f + ".cors", route.getCors());
    }
  }

  private static boolean hostMatches(String serverHost, String host) {
    if (serverHost.equals("*") || serverHost.equals(host)) {
      return true;
    }
    return serverHost.startsWith("*.") && host.endsWith(serverHost.substring(1));
  }

  @Override
  public void inContext(Resource resource, Checks c) {
    var routes = resource.getIngressGateway().getRoutesList();
    for (int i = 0; i < routes.size(); i++) {
      Placement.placed(c, "spec.routes[" + i + "].service", routes.get(i).getService());
    }
    ExtensionRules.usable(
        c, resource, "spec.extensions", resource.getIngressGateway().getExtensionsList());
  }

  @Override
  public void references(Resource resource, Map<String, String> refs) {
    ExtensionRules.references(
        "spec.extensions", resource.getIngressGateway().getExtensionsList(), refs);
    var routes = resource.getIngressGateway().getRoutesList();
    for (int i = 0; i < routes.size(); i++) {
      if (!routes.get(i).getServiceRoute().isEmpty()) {
        refs.put("spec.routes[" + i + "].serviceRoute", routes.get(i).getServiceRoute());
      }
    }
  }
}
