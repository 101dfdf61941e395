package dev.trestle.translator;

import dev.trestle.protocol.v1.GatewayRoute;
import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.Resource;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One IngressGateway route as the Istio HTTP routes of its host's VirtualService: listener-port
 * matches, a followed ServiceRoute's routes ANDed with the gateway route's, subsets, the service's
 * traffic settings and the gateway default port. {@link GatewayTranslation} places and names the
 * objects; this class only decides what a route means.
 */
final class GatewayRoutes {
  private final ConfigSnapshot snapshot;
  private final TrafficIndex index;
  private final ServicePorts ports;

  GatewayRoutes(ConfigSnapshot snapshot, TrafficIndex index, ServicePorts ports) {
    this.snapshot = snapshot;
    this.index = index;
    this.ports = ports;
  }

  /**
   * One gateway route as Istio HTTP routes. A route naming a {@code serviceRoute} (and no explicit
   * subset) follows that ServiceRoute: each of its routes becomes a gateway route whose matches are
   * the AND of the gateway route's and the ServiceRoute route's, with its weighted subsets and
   * retries; the gateway route's port and timeout win. Other routes go to the service (and subset,
   * when given) with the service's TrafficSetting timeout and retries unless the route sets its own
   * timeout.
   */
  List<HTTPRoute> routes(
      Resource gateway, GatewayRoute route, List<Resource> inputs, Consumer<String> warn) {
    String label =
        route.getName().isEmpty()
            ? "route to " + route.getService()
            : "route '" + route.getName() + "'";
    Optional<ServiceRef> parsed = ServiceRef.parse(route.getService());
    if (parsed.isEmpty()) {
      warn.accept(label + ": service '" + route.getService() + "' is not namespace/name; left out");
      return List.of();
    }
    ServiceRef service = parsed.get();
    Optional<GatewayRoute> onListeners = onListenerPorts(gateway, route, label, warn);
    if (onListeners.isEmpty()) {
      return List.of();
    }
    route = onListeners.get();
    EffectiveTraffic traffic = index.effective(service);
    inputs.addAll(index.settingInputs(service));
    String timeout = route.getTimeout().isEmpty() ? null : route.getTimeout();

    Optional<Resource> followed = followedRoute(route, service, label, warn);
    if (followed.isPresent()) {
      inputs.add(followed.get());
      var out = new ArrayList<HTTPRoute>();
      int n = 0;
      for (MeshRoute m : MeshRoute.of(followed.get().getServiceRoute(), traffic)) {
        String base = route.getName() + "-" + (m.name().isEmpty() ? "route" + n : m.name());
        n++;
        Map<Integer, List<HttpMatch>> byServicePort = byServicePort(m.matches());
        for (var portMatches : byServicePort.entrySet()) {
          int servicePort = portMatches.getKey();
          int port = route.getPort();
          if (servicePort != 0 && port != 0 && servicePort != port) {
            continue; // that ServiceRoute route serves another port of the service
          }
          if (port == 0) {
            port = servicePort;
          }
          String name = byServicePort.size() > 1 ? base + "-" + servicePort : base;
          addFollowed(
              out, route, m, name, portMatches.getValue(), service, port, timeout, label, warn);
        }
      }
      return out;
    }

    if (!route.getSubset().isEmpty() && !subsetDefinedHere(service, route.getSubset())) {
      warn.accept(
          label
              + ": subset '"
              + route.getSubset()
              + "' of "
              + service
              + " is defined by no ServiceRoute in force in this cluster; requests to it will"
              + " fail");
    }
    var single =
        new MeshRoute(
            route.getName(),
            route.getMatchList(),
            List.of(new MeshRoute.Destination(route.getSubset(), 0, 0)),
            traffic.timeout(),
            traffic.retries());
    var out = new ArrayList<HTTPRoute>();
    http(
        out,
        single,
        HttpMatches.toIstio(route.getMatchList()),
        service,
        route.getPort(),
        timeout,
        label,
        warn);
    return out;
  }

  /**
   * The route with only the match entries whose port, if any, is a port the gateway listens on: on
   * a gateway a port match is the listener's port, and any other never matches. Empty (reported)
   * when every entry names another port, as the route would never apply.
   */
  private static Optional<GatewayRoute> onListenerPorts(
      Resource gateway, GatewayRoute route, String label, Consumer<String> warn) {
    var listeners = new TreeSet<Integer>();
    gateway.getIngressGateway().getServersList().forEach(s -> listeners.add(s.getPort()));
    var kept = new ArrayList<HttpMatch>();
    for (HttpMatch m : route.getMatchList()) {
      if (m.getPort() == 0 || listeners.contains(m.getPort())) {
        kept.add(m);
      } else {
        warn.accept(
            label
                + ": a match on port "
                + m.getPort()
                + ", which is no port of the gateway's servers "
                + listeners
                + ", never applies; left out");
      }
    }
    if (kept.size() == route.getMatchCount()) {
      return Optional.of(route);
    }
    if (kept.isEmpty()) {
      warn.accept(label + ": no match is left, so the route never applies; left out");
      return Optional.empty();
    }
    return Optional.of(route.toBuilder().clearMatch().addAllMatch(kept).build());
  }

  /**
   * A ServiceRoute route's matches by the service port they name (0: any). In the mesh a port match
   * names the service port; on a gateway the port is the listener's, so the gateway route matches
   * without it and sends to that service port instead.
   */
  private static Map<Integer, List<HttpMatch>> byServicePort(List<HttpMatch> matches) {
    var out = new TreeMap<Integer, List<HttpMatch>>();
    if (matches.isEmpty()) {
      out.put(0, List.of());
    }
    var anyRequest = new TreeSet<Integer>();
    for (HttpMatch m : matches) {
      HttpMatch rest = m.toBuilder().clearPort().build();
      out.computeIfAbsent(m.getPort(), p -> new ArrayList<>()).add(rest);
      if (rest.toBuilder().clearName().build().equals(HttpMatch.getDefaultInstance())) {
        anyRequest.add(m.getPort()); // only the port was matched: any request to that port
      }
    }
    anyRequest.forEach(p -> out.put(p, List.of()));
    return out;
  }

  private void addFollowed(
      List<HTTPRoute> out,
      GatewayRoute route,
      MeshRoute m,
      String name,
      List<HttpMatch> serviceRouteMatches,
      ServiceRef service,
      int port,
      String timeout,
      String label,
      Consumer<String> warn) {
    var matches = new ArrayList<HTTPMatchRequest>();
    boolean anyCondition = route.getMatchCount() > 0 || !serviceRouteMatches.isEmpty();
    for (HttpMatches.Intersection i : HttpMatches.and(route.getMatchList(), serviceRouteMatches)) {
      switch (i.outcome()) {
        case MATCH -> matches.add(HttpMatches.toIstio(i.match()));
        case UNREPRESENTABLE ->
            warn.accept(
                label
                    + ": a match of ServiceRoute route '"
                    + m.name()
                    + "' cannot be combined with the gateway route's (two regexes on one"
                    + " field); that combination is left out");
        case EMPTY -> {}
      }
    }
    if (anyCondition && matches.isEmpty()) {
      return; // no request can match both: the combined route would never apply
    }
    var named = new MeshRoute(name, m.matches(), m.destinations(), m.timeout(), m.retries());
    http(out, named, matches, service, port, timeout, label, warn);
  }

  /**
   * Adds the route. Destinations without a port get the service's gateway default port when it has
   * several (a gateway's listener port is no port of the service).
   */
  private void http(
      List<HTTPRoute> out,
      MeshRoute route,
      List<HTTPMatchRequest> matches,
      ServiceRef service,
      int port,
      String timeout,
      String label,
      Consumer<String> warn) {
    MeshRoute routed = route;
    if (port == 0 && route.destinations().stream().anyMatch(d -> d.port() == 0)) {
      Optional<Integer> fallback = ports.gatewayDefault(service, label, warn);
      if (fallback.isPresent()) {
        var dests =
            route.destinations().stream()
                .map(
                    d ->
                        d.port() != 0
                            ? d
                            : new MeshRoute.Destination(d.subset(), d.weight(), fallback.get()))
                .toList();
        routed =
            new MeshRoute(route.name(), route.matches(), dests, route.timeout(), route.retries());
      }
    }
    out.add(IstioTraffic.httpRoute(routed, matches, service.host(), port, timeout, warn));
  }

  /** The ServiceRoute a gateway route follows, when it names one that is usable here. */
  private Optional<Resource> followedRoute(
      GatewayRoute route, ServiceRef service, String label, Consumer<String> warn) {
    if (route.getServiceRoute().isEmpty()) {
      return Optional.empty();
    }
    if (!route.getSubset().isEmpty()) {
      warn.accept(label + ": both subset and serviceRoute are set; the subset wins");
      return Optional.empty();
    }
    Optional<Resource> named = snapshot.get(route.getServiceRoute());
    if (named.isEmpty()) {
      warn.accept(
          label
              + ": ServiceRoute "
              + route.getServiceRoute()
              + " is not in the snapshot; routing to the whole service");
      return Optional.empty();
    }
    Optional<ServiceRef> target = ServiceRef.parse(named.get().getServiceRoute().getService());
    if (target.isEmpty() || !target.get().equals(service)) {
      warn.accept(
          label
              + ": ServiceRoute "
              + route.getServiceRoute()
              + " routes "
              + named.get().getServiceRoute().getService()
              + ", not "
              + service
              + "; routing to the whole service");
      return Optional.empty();
    }
    Optional<Resource> inForce = index.route(service);
    if (inForce.isEmpty() || !Provenance.fqn(inForce.get()).equals(route.getServiceRoute())) {
      warn.accept(
          label
              + ": ServiceRoute "
              + route.getServiceRoute()
              + " is not in force in this cluster, so its subsets are not defined here; routing to"
              + " the whole service");
      return Optional.empty();
    }
    return inForce;
  }

  private boolean subsetDefinedHere(ServiceRef service, String subset) {
    return index
        .route(service)
        .map(
            r ->
                r.getServiceRoute().getSubsetsList().stream()
                    .anyMatch(s -> s.getName().equals(subset)))
        .orElse(false);
  }
}
