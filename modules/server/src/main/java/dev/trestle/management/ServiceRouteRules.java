package dev.trestle.management;

import dev.trestle.protocol.v1.HttpRoute;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ServiceRouteSpec;
import dev.trestle.protocol.v1.Subset;
import java.util.HashSet;
import java.util.Set;

/** A service route: subsets and their weights, HTTP routes and destinations, ports. */
final class ServiceRouteRules implements KindRules {
  private static final Set<String> SERVICE_PROTOCOLS = Set.of("HTTP", "HTTP2", "GRPC", "TCP");

  @Override
  public void check(Resource resource, Checks c) {
    ServiceRouteSpec spec = resource.getServiceRoute();
    Placement.service(c, "spec.service", spec.getService(), true);
    if (spec.hasRateLimit()) {
      RateLimitRules.check(c, "spec.rateLimit", spec.getRateLimit());
    }
    var subsetNames = new HashSet<String>();
    int weightSum = 0;
    boolean weighted = false;
    for (int i = 0; i < spec.getSubsetsCount(); i++) {
      Subset s = spec.getSubsets(i);
      String f = "spec.subsets[" + i + "]";
      c.name(f + ".name", s.getName());
      if (!subsetNames.add(s.getName())) {
        c.add(f + ".name", "duplicate subset '" + s.getName() + "'");
      }
      if (s.getLabelsCount() == 0) {
        c.add(f + ".labels", "at least one label is required to select the subset's pods");
      }
      s.getLabelsMap().forEach((k, v) -> c.labelPair(f + ".labels." + k, k, v));
      c.weight(f + ".weight", s.getWeight());
      weighted |= s.getWeight() > 0;
      weightSum += s.getWeight();
    }
    if (weighted && weightSum != 100) {
      c.add("spec.subsets", "weights sum to " + weightSum + "; they must sum to 100");
    }
    var routeNames = new HashSet<String>();
    for (int i = 0; i < spec.getHttpRoutesCount(); i++) {
      httpRoute(c, "spec.httpRoutes[" + i + "]", spec.getHttpRoutes(i), routeNames, subsetNames);
    }
    var ports = new HashSet<Integer>();
    for (int i = 0; i < spec.getPortsCount(); i++) {
      var p = spec.getPorts(i);
      c.port("spec.ports[" + i + "].port", p.getPort(), true);
      if (!ports.add(p.getPort())) {
        c.add("spec.ports[" + i + "].port", "duplicate port " + p.getPort());
      }
      if (!p.getProtocol().isEmpty() && !SERVICE_PROTOCOLS.contains(p.getProtocol())) {
        c.add(
            "spec.ports[" + i + "].protocol", "must be one of " + Checks.sorted(SERVICE_PROTOCOLS));
      }
    }
  }

  private static void httpRoute(
      Checks c, String f, HttpRoute route, Set<String> routeNames, Set<String> subsetNames) {
    if (!route.getName().isEmpty()) {
      c.name(f + ".name", route.getName());
      if (!routeNames.add(route.getName())) {
        c.add(f + ".name", "duplicate route '" + route.getName() + "'");
      }
    }
    for (int j = 0; j < route.getMatchCount(); j++) {
      HttpRules.match(c, f + ".match[" + j + "]", route.getMatch(j));
    }
    if (route.getDestinationsCount() == 0) {
      c.add(f + ".destinations", "at least one destination is required");
    }
    int sum = 0;
    for (int j = 0; j < route.getDestinationsCount(); j++) {
      var d = route.getDestinations(j);
      String df = f + ".destinations[" + j + "]";
      if (!d.getSubset().isEmpty() && !subsetNames.contains(d.getSubset())) {
        c.add(df + ".subset", "'" + d.getSubset() + "' is not one of spec.subsets " + subsetNames);
      }
      c.weight(df + ".weight", d.getWeight());
      c.port(df + ".port", d.getPort(), false);
      sum += d.getWeight();
    }
    if (route.getDestinationsCount() > 1 && sum != 100) {
      c.add(f + ".destinations", "weights sum to " + sum + "; they must sum to 100");
    }
    c.duration(f + ".timeout", route.getTimeout());
    HttpRules.retries(c, f + ".retries", route.getRetries());
  }

  @Override
  public void inContext(Resource resource, Checks c) {
    Placement.placed(c, "spec.service", resource.getServiceRoute().getService());
  }
}
