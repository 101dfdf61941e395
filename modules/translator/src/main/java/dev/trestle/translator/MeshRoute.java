package dev.trestle.translator;

import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.HttpRoute;
import dev.trestle.protocol.v1.Retries;
import dev.trestle.protocol.v1.RouteDestination;
import dev.trestle.protocol.v1.ServiceRouteSpec;
import dev.trestle.protocol.v1.Subset;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP route to a service as Trestle means it, before it becomes Istio: matches (OR), weighted
 * destinations, and the timeout/retries in force (the route's own, else the TrafficSetting's).
 *
 * @param timeout a Trestle duration, or null
 * @param retries null when neither the route nor the setting has retries
 */
record MeshRoute(
    String name,
    List<HttpMatch> matches,
    List<Destination> destinations,
    String timeout,
    Retries retries) {

  static final String DEFAULT_ROUTE = "default";
  static final String FALLBACK_ROUTE = "trestle-default";

  /**
   * @param subset empty for every pod of the service
   * @param weight 0 when the route has a single destination (no weight is written)
   * @param port 0 for the port the request came in on
   */
  record Destination(String subset, int weight, int port) {}

  /**
   * The routes of a service: the ServiceRoute's HTTP routes in order, or one default route
   * splitting by subset weights when it has none. When the last route has matches, the default
   * split is appended as a catch-all, so requests no route matches still reach the service instead
   * of failing with 404. Without a ServiceRoute ({@code spec == null}) there is one route to the
   * whole service (it carries the TrafficSetting's timeout and retries).
   */
  static List<MeshRoute> of(ServiceRouteSpec spec, EffectiveTraffic traffic) {
    var out = new ArrayList<MeshRoute>();
    if (spec == null) {
      out.add(
          new MeshRoute(
              DEFAULT_ROUTE,
              List.of(),
              List.of(new Destination("", 0, 0)),
              traffic.timeout(),
              traffic.retries()));
      return out;
    }
    if (spec.getHttpRoutesCount() == 0) {
      out.add(defaultSplit(DEFAULT_ROUTE, spec, traffic));
      return out;
    }
    for (HttpRoute r : spec.getHttpRoutesList()) {
      var dests = new ArrayList<Destination>();
      for (RouteDestination d : r.getDestinationsList()) {
        dests.add(new Destination(d.getSubset(), d.getWeight(), d.getPort()));
      }
      out.add(
          new MeshRoute(
              r.getName(),
              r.getMatchList(),
              withoutZeroWeights(dests),
              r.getTimeout().isEmpty() ? traffic.timeout() : r.getTimeout(),
              r.hasRetries() ? r.getRetries() : traffic.retries()));
    }
    HttpRoute last = spec.getHttpRoutes(spec.getHttpRoutesCount() - 1);
    if (last.getMatchCount() > 0) {
      out.add(defaultSplit(FALLBACK_ROUTE, spec, traffic));
    }
    return out;
  }

  private static MeshRoute defaultSplit(String name, ServiceRouteSpec spec, EffectiveTraffic t) {
    var dests = new ArrayList<Destination>();
    for (Subset s : spec.getSubsetsList()) {
      if (s.getWeight() > 0) {
        dests.add(new Destination(s.getName(), s.getWeight(), 0));
      }
    }
    if (dests.isEmpty()) {
      dests.add(new Destination("", 0, 0));
    }
    return new MeshRoute(name, List.of(), withoutZeroWeights(dests), t.timeout(), t.retries());
  }

  /**
   * Drops destinations of weight 0 when another has traffic (a blue/green pair at 100/0 routes to
   * one subset), and writes no weight for a single destination.
   */
  static List<Destination> withoutZeroWeights(List<Destination> in) {
    List<Destination> kept = in;
    if (in.size() > 1 && in.stream().anyMatch(d -> d.weight() > 0)) {
      kept = in.stream().filter(d -> d.weight() > 0).toList();
    }
    if (kept.size() == 1) {
      Destination only = kept.get(0);
      return List.of(new Destination(only.subset(), 0, only.port()));
    }
    return List.copyOf(kept);
  }
}
