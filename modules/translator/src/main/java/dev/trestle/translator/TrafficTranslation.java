package dev.trestle.translator;

import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ServicePort;
import dev.trestle.protocol.v1.ServiceRouteSpec;
import dev.trestle.protocol.v1.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.L4MatchAttributes;
import io.fabric8.istio.api.api.networking.v1alpha3.RouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.TCPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** ServiceRoutes and TrafficSettings → VirtualServices and DestinationRules. */
final class TrafficTranslation {
  private final TrafficIndex index;
  private final Emission emission;

  TrafficTranslation(TrafficIndex index, Emission emission) {
    this.index = index;
    this.emission = emission;
  }

  void run() {
    for (ServiceRef service : index.services()) {
      serviceObjects(service);
    }
    index.namespaceDefaults().forEach(this::namespaceDefault);
  }

  /**
   * Per-service objects are named after the service so they keep their name when sources change.
   */
  static String serviceObjectName(ServiceRef service) {
    return ObjectNames.name(service.name(), "service:" + service);
  }

  private void serviceObjects(ServiceRef service) {
    Optional<Resource> route = index.route(service);
    Resource primary = route.orElseGet(() -> index.serviceSetting(service).orElseThrow());
    var inputs = new ArrayList<Resource>();
    route.ifPresent(inputs::add);
    inputs.addAll(index.settingInputs(service));
    Provenance provenance = Provenance.of(primary, inputs);
    Consumer<String> warn = m -> emission.warn(primary, m);
    EffectiveTraffic traffic = index.effective(service);
    ServiceRouteSpec spec = route.map(Resource::getServiceRoute).orElse(null);
    String name = serviceObjectName(service);

    if (traffic.failoverWithoutOutlierDetection()) {
      emission.warn(
          primary,
          "locality failover for "
              + service
              + " has no effect without outlier detection (Istio fails over only when local"
              + " endpoints are ejected)");
    }

    TrafficPolicy policy = IstioTraffic.trafficPolicy(traffic, warn);
    boolean hasSubsets = spec != null && spec.getSubsetsCount() > 0;
    if (policy != null || hasSubsets) {
      var dr = new DestinationRule();
      dr.setMetadata(provenance.meta(name, service.namespace()));
      var drSpec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
      drSpec.setHost(service.host());
      drSpec.setTrafficPolicy(policy);
      if (hasSubsets) {
        var subsets = new ArrayList<io.fabric8.istio.api.api.networking.v1alpha3.Subset>();
        for (Subset s : spec.getSubsetsList()) {
          var subset = new io.fabric8.istio.api.api.networking.v1alpha3.Subset();
          subset.setName(s.getName());
          subset.setLabels(new TreeMap<>(s.getLabelsMap()));
          subsets.add(subset);
        }
        drSpec.setSubsets(subsets);
      }
      dr.setSpec(drSpec);
      emission.emit(dr, provenance);
    }

    boolean hasResilience = traffic.timeout() != null || traffic.retries() != null;
    if (spec == null && !hasResilience) {
      return;
    }
    var vsSpec = new io.fabric8.istio.api.api.networking.v1alpha3.VirtualService();
    vsSpec.setHosts(List.of(service.host()));
    List<ServicePort> tcpPorts =
        spec == null
            ? List.of()
            : spec.getPortsList().stream().filter(p -> p.getProtocol().equals("TCP")).toList();
    boolean onlyTcp =
        spec != null && spec.getPortsCount() > 0 && tcpPorts.size() == spec.getPortsCount();
    if (onlyTcp) {
      if (spec.getHttpRoutesCount() > 0) {
        warn.accept(
            "every port of " + service + " is TCP: its httpRoutes cannot apply and are left out");
      }
    } else {
      var http = new ArrayList<HTTPRoute>();
      for (MeshRoute r : MeshRoute.of(spec, traffic)) {
        http.add(
            IstioTraffic.httpRoute(
                r, HttpMatches.toIstio(r.matches()), service.host(), 0, null, warn));
      }
      vsSpec.setHttp(http);
    }
    if (!tcpPorts.isEmpty()) {
      vsSpec.setTcp(tcpRoutes(service, spec, tcpPorts));
    }
    var vs = new VirtualService();
    vs.setMetadata(provenance.meta(name, service.namespace()));
    vs.setSpec(vsSpec);
    emission.emit(vs, provenance);
  }

  /** TCP ports get the default subset split (TCP has no requests to match on). */
  private static List<TCPRoute> tcpRoutes(
      ServiceRef service, ServiceRouteSpec spec, List<ServicePort> ports) {
    var out = new ArrayList<TCPRoute>();
    for (ServicePort p : ports) {
      var match = new L4MatchAttributes();
      match.setPort((long) p.getPort());
      var dests = new ArrayList<RouteDestination>();
      var split = new ArrayList<MeshRoute.Destination>();
      for (Subset s : spec.getSubsetsList()) {
        if (s.getWeight() > 0) {
          split.add(new MeshRoute.Destination(s.getName(), s.getWeight(), p.getPort()));
        }
      }
      if (split.isEmpty()) {
        split.add(new MeshRoute.Destination("", 0, p.getPort()));
      }
      for (MeshRoute.Destination d : MeshRoute.withoutZeroWeights(split)) {
        var http = IstioTraffic.destination(service.host(), d.subset(), d.port(), d.weight());
        var dest = new RouteDestination();
        dest.setDestination(http.getDestination());
        dest.setWeight(http.getWeight());
        dests.add(dest);
      }
      var route = new TCPRoute();
      route.setMatch(List.of(match));
      route.setRoute(dests);
      out.add(route);
    }
    return out;
  }

  /**
   * A group-wide setting's DestinationRule for {@code *.<ns>.svc.cluster.local}: it reaches the
   * services of the namespace that have no DestinationRule of their own (Istio uses the most
   * specific host, so services with their own rule carry the group-wide fields merged in). Timeouts
   * and retries cannot be set namespace-wide in Istio; they reach only services that get a
   * VirtualService.
   */
  private void namespaceDefault(String namespace, Resource setting) {
    Consumer<String> warn = m -> emission.warn(setting, m);
    EffectiveTraffic traffic = EffectiveTraffic.of(setting.getTrafficSetting());
    TrafficPolicy policy = IstioTraffic.trafficPolicy(traffic, warn);
    if (policy == null) {
      return;
    }
    if (traffic.failoverWithoutOutlierDetection()) {
      warn.accept("locality failover has no effect without outlier detection");
    }
    Provenance provenance = Provenance.of(setting);
    var dr = new DestinationRule();
    dr.setMetadata(
        provenance.meta(
            ObjectNames.name(setting.getMetadata().getName(), provenance.sourceFqn()), namespace));
    var spec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
    spec.setHost("*." + namespace + "." + ServiceRef.DOMAIN);
    spec.setTrafficPolicy(policy);
    dr.setSpec(spec);
    emission.emit(dr, provenance);
  }
}
