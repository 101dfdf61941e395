package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ServiceRoutes and TrafficSettings in force in this cluster, per service and per namespace.
 *
 * <p>A ServiceRoute or service-specific TrafficSetting is in force when its group covers the
 * service's namespace here and the cluster has that namespace. A group-wide TrafficSetting (no
 * {@code service}) is the default for every namespace its group covers here. Where several apply to
 * one service (or, group-wide, to one namespace), the first by FQN wins and the others get a
 * diagnostic: Istio keeps one DestinationRule policy and one VirtualService per host, so they
 * cannot be combined.
 */
final class TrafficIndex {
  private final SortedMap<ServiceRef, Resource> routes = new TreeMap<>();
  private final SortedMap<ServiceRef, Resource> serviceSettings = new TreeMap<>();
  private final SortedMap<String, Resource> namespaceDefaults = new TreeMap<>();

  TrafficIndex(ConfigSnapshot snapshot, Placement placement, Emission emission) {
    for (Resource sr : snapshot.ofKind(Kind.SERVICE_ROUTE)) {
      placeService(sr, sr.getServiceRoute().getService(), routes, placement, emission);
    }
    for (Resource ts : snapshot.ofKind(Kind.TRAFFIC_SETTING)) {
      Fqn fqn = Fqn.parse(Provenance.fqn(ts));
      if (ts.getTrafficSetting().getService().isEmpty()) {
        for (String ns : placement.localNamespaces(fqn)) {
          Resource first = namespaceDefaults.putIfAbsent(ns, ts);
          if (first != null) {
            emission.warn(
                ts,
                "another group-wide TrafficSetting, "
                    + Provenance.fqn(first)
                    + ", already covers namespace "
                    + ns
                    + " (first by FQN wins); this one is not applied there");
          }
        }
      } else {
        placeService(ts, ts.getTrafficSetting().getService(), serviceSettings, placement, emission);
      }
    }
  }

  private static void placeService(
      Resource r,
      String service,
      SortedMap<ServiceRef, Resource> into,
      Placement placement,
      Emission emission) {
    Optional<ServiceRef> ref = ServiceRef.parse(service);
    if (ref.isEmpty()) {
      emission.warn(r, "service '" + service + "' is not namespace/name; ignored");
      return;
    }
    Fqn fqn = Fqn.parse(Provenance.fqn(r));
    if (!placement.scopeExists(fqn)) {
      emission.warn(r, "its workspace or group is not in the snapshot; ignored");
      return;
    }
    if (!placement.coversHere(fqn, ref.get().namespace())) {
      return;
    }
    Resource first = into.putIfAbsent(ref.get(), r);
    if (first != null) {
      emission.warn(
          r,
          r.getKind()
              + " "
              + Provenance.fqn(first)
              + " already applies to service "
              + ref.get()
              + " (first by FQN wins); this one is not applied");
    }
  }

  /** Every service with a ServiceRoute or service-specific TrafficSetting in force here. */
  SortedSet<ServiceRef> services() {
    var out = new TreeSet<ServiceRef>(routes.keySet());
    out.addAll(serviceSettings.keySet());
    return out;
  }

  Optional<Resource> route(ServiceRef service) {
    return Optional.ofNullable(routes.get(service));
  }

  Optional<Resource> serviceSetting(ServiceRef service) {
    return Optional.ofNullable(serviceSettings.get(service));
  }

  Optional<Resource> namespaceDefault(String namespace) {
    return Optional.ofNullable(namespaceDefaults.get(namespace));
  }

  SortedMap<String, Resource> namespaceDefaults() {
    return namespaceDefaults;
  }

  /** The group-wide default of the service's namespace overlaid by its own setting. */
  EffectiveTraffic effective(ServiceRef service) {
    var base =
        namespaceDefault(service.namespace())
            .map(r -> EffectiveTraffic.of(r.getTrafficSetting()))
            .orElse(EffectiveTraffic.NONE);
    return base.overlay(serviceSetting(service).map(Resource::getTrafficSetting).orElse(null));
  }

  /** The TrafficSettings whose fields {@link #effective} may carry. */
  List<Resource> settingInputs(ServiceRef service) {
    var out = new ArrayList<Resource>();
    namespaceDefault(service.namespace()).ifPresent(out::add);
    serviceSetting(service).ifPresent(out::add);
    return out;
  }
}
