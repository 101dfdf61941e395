package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LocalityLoadBalancerSetting;
import io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryLocation;
import io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntryResolution;
import io.fabric8.istio.api.api.networking.v1alpha3.ServicePort;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadEntry;
import io.fabric8.istio.api.api.networking.v1alpha3.WorkloadSelector;
import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.ServiceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Remote services → one ServiceEntry per service, selecting one WorkloadEntry per routable remote
 * cluster (at its east-west gateway; one more per subset that cluster serves), and the host's one
 * DestinationRule with locality failover and outlier detection. The exact format is in
 * docs/multicluster.md; the edge's xDS server reads it.
 */
final class CrossClusterTranslation {
  static final String CLUSTER_LABEL = "topology.istio.io/cluster";

  /**
   * Istio's auto mTLS sends ISTIO_MUTUAL only to endpoints labelled {@code tlsMode: istio}; a
   * ServiceEntry endpoint without it gets plaintext, which an east-west gateway in {@code
   * AUTO_PASSTHROUGH} (it routes by the SNI of Istio's mTLS) cannot route. Our endpoints are such
   * gateways: labelled, the sidecar talks mTLS with the SNI {@code
   * outbound_.<port>_.<subset>_.<host>} (Istio's multi-network model) and the gateway passes it
   * through to the remote workload.
   */
  static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";

  /** On a remote service's WorkloadEntries: the name of the ServiceEntry that selects them. */
  static final String REMOTE_SERVICE_LABEL = "trestle.dev/remote-service";

  /** Outlier detection when no TrafficSetting sets one: Istio fails over only on ejection. */
  static final int DEFAULT_CONSECUTIVE_5XX = 5;

  static final String DEFAULT_INTERVAL = "10s";
  static final String DEFAULT_BASE_EJECTION = "30s";

  private final ConfigSnapshot snapshot;
  private final ClusterView cluster;
  private final Placement placement;
  private final TrafficIndex traffic;
  private final Emission emission;

  CrossClusterTranslation(
      ConfigSnapshot snapshot,
      ClusterView cluster,
      Placement placement,
      TrafficIndex traffic,
      Emission emission) {
    this.snapshot = snapshot;
    this.cluster = cluster;
    this.placement = placement;
    this.traffic = traffic;
    this.emission = emission;
  }

  static String serviceEntryName(String namespace, String name) {
    return ObjectNames.name("remote-" + name, "remote:" + namespace + "/" + name);
  }

  void run(List<MeshCatalog.RemoteService> remote) {
    if (remote.isEmpty()) {
      return;
    }
    Optional<Resource> self =
        snapshot.ofKind(Kind.CLUSTER).stream()
            .filter(r -> r.getMetadata().getName().equals(cluster.name()))
            .findFirst();
    if (self.isEmpty()) {
      // Objects need a source; the server only translates clusters whose resource exists.
      return;
    }
    for (MeshCatalog.RemoteService service : remote) {
      if (!cluster.hasNamespace(service.namespace()) || service.endpoints().isEmpty()) {
        continue;
      }
      serviceEntry(self.get(), service);
      destinationRule(self.get(), service);
    }
  }

  private void serviceEntry(Resource self, MeshCatalog.RemoteService service) {
    var spec = new io.fabric8.istio.api.api.networking.v1alpha3.ServiceEntry();
    spec.setHosts(List.of(service.host()));
    spec.setLocation(ServiceEntryLocation.MESH_INTERNAL);
    spec.setResolution(ServiceEntryResolution.STATIC);
    var ports = new ArrayList<ServicePort>();
    for (MeshCatalog.Port p : service.ports()) {
      var port = new ServicePort();
      port.setNumber((long) p.number());
      port.setName(p.name());
      port.setProtocol(p.protocol());
      ports.add(port);
    }
    spec.setPorts(ports);
    String name = serviceEntryName(service.namespace(), service.name());
    var selector = new WorkloadSelector();
    selector.setLabels(Map.of(REMOTE_SERVICE_LABEL, name));
    spec.setWorkloadSelector(selector);
    var ref = new ServiceRef(service.namespace(), service.name());
    Optional<Resource> route = traffic.route(ref);
    // The subsets' labels come from the ServiceRoute: it is an input of the subsets' entries.
    var plain = new Provenance(self, List.of());
    var withRoute = new Provenance(self, route.map(List::of).orElse(List.of()));
    for (MeshCatalog.Endpoint e : service.endpoints()) {
      workloadEntry(service, name, e, null, plain);
      for (Subset subset : subsetsServedBy(route, e.cluster(), service.namespace())) {
        workloadEntry(service, name, e, subset, withRoute);
      }
    }
    var se = new ServiceEntry();
    se.setMetadata(plain.meta(name, service.namespace()));
    se.setSpec(spec);
    emission.emit(se, plain);
  }

  /**
   * One remote cluster's east-west gateway as an endpoint of the ServiceEntry {@code entryName}
   * (which selects it by {@link #REMOTE_SERVICE_LABEL}); with a subset, the same gateway carrying
   * the subset's labels. An object of its own, so a change in one remote cluster changes one small
   * object in every other cluster instead of the ServiceEntry listing them all (issue 21, P7).
   */
  private void workloadEntry(
      MeshCatalog.RemoteService service,
      String entryName,
      MeshCatalog.Endpoint e,
      Subset subset,
      Provenance provenance) {
    String subsetName = subset == null ? "" : subset.getName();
    var spec = endpoint(service, e, subset == null ? Map.of() : subset.getLabelsMap());
    var labels = new TreeMap<>(spec.getLabels());
    labels.put(REMOTE_SERVICE_LABEL, entryName);
    spec.setLabels(labels);
    var we = new io.fabric8.istio.api.networking.v1.WorkloadEntry();
    we.setMetadata(
        provenance.meta(
            workloadEntryName(service.namespace(), service.name(), e.cluster(), subsetName),
            service.namespace()));
    we.setSpec(spec);
    emission.emit(we, provenance);
  }

  static String workloadEntryName(
      String namespace, String service, String remoteCluster, String subset) {
    String base =
        "remote-" + service + "-" + remoteCluster + (subset.isEmpty() ? "" : "-" + subset);
    return ObjectNames.name(
        base, "remote:" + namespace + "/" + service + "@" + remoteCluster + "#" + subset);
  }

  /**
   * The subsets of the ServiceRoute in force here for which {@code remote} gets an endpoint of its
   * own: those with labels, when the same ServiceRoute is placed in {@code remote} too (so its
   * east-west gateway knows the subset: Istio's {@code AUTO_PASSTHROUGH} routes the SNI {@code
   * outbound_.<port>_.<subset>_.<host>} to its own cluster of that subset).
   */
  private List<Subset> subsetsServedBy(Optional<Resource> route, String remote, String namespace) {
    if (route.isEmpty()
        || !placement.covers(Fqn.parse(Provenance.fqn(route.get())), remote, namespace)) {
      return List.of();
    }
    return route.get().getServiceRoute().getSubsetsList().stream()
        .filter(s -> s.getLabelsCount() > 0)
        .toList();
  }

  /**
   * One remote cluster as an endpoint at its east-west gateway; with a subset's labels, the same
   * gateway as an endpoint of that subset (a proxy's subset cluster selects endpoints by labels).
   */
  private static WorkloadEntry endpoint(
      MeshCatalog.RemoteService service, MeshCatalog.Endpoint e, Map<String, String> subset) {
    var entry = new WorkloadEntry();
    entry.setAddress(e.address());
    var portMap = new TreeMap<String, Long>();
    service.ports().forEach(p -> portMap.put(p.name(), (long) e.port()));
    entry.setPorts(portMap);
    if (!e.locality().isEmpty()) {
      entry.setLocality(e.locality());
    }
    if (!e.network().isEmpty()) {
      entry.setNetwork(e.network());
    }
    var labels = new TreeMap<String, String>(subset);
    labels.put(CLUSTER_LABEL, e.cluster());
    labels.put(TLS_MODE_LABEL, "istio");
    entry.setLabels(labels);
    return entry;
  }

  /** Merges failover into the translator's DestinationRule for the host, or emits one. */
  private void destinationRule(Resource self, MeshCatalog.RemoteService service) {
    var ref = new ServiceRef(service.namespace(), service.name());
    String name = TrafficTranslation.serviceObjectName(ref);
    var key = new ObjectKey("networking.istio.io/v1", "DestinationRule", service.namespace(), name);
    Optional<DesiredObject> existing = emission.find(key);
    if (existing.isPresent()) {
      var dr = (DestinationRule) existing.get().object();
      TrafficPolicy policy = dr.getSpec().getTrafficPolicy();
      dr.getSpec().setTrafficPolicy(withFailover(policy == null ? new TrafficPolicy() : policy));
      emission.replace(existing.get(), dr);
      return;
    }
    EffectiveTraffic effective = traffic.effective(ref);
    TrafficPolicy policy = IstioTraffic.trafficPolicy(effective, m -> emission.warn(self, m));
    List<Resource> inputs = traffic.settingInputs(ref);
    Provenance provenance =
        inputs.isEmpty() ? new Provenance(self, List.of()) : Provenance.of(inputs.get(0), inputs);
    var dr = new DestinationRule();
    dr.setMetadata(provenance.meta(name, service.namespace()));
    var spec = new io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule();
    spec.setHost(service.host());
    spec.setTrafficPolicy(withFailover(policy == null ? new TrafficPolicy() : policy));
    dr.setSpec(spec);
    emission.emit(dr, provenance);
  }

  /** Adds locality load balancing and outlier detection where the policy does not set them. */
  static TrafficPolicy withFailover(TrafficPolicy policy) {
    LoadBalancerSettings lb = policy.getLoadBalancer();
    if (lb == null) {
      lb = new LoadBalancerSettings();
      policy.setLoadBalancer(lb);
    }
    if (lb.getLocalityLbSetting() == null) {
      var locality = new LocalityLoadBalancerSetting();
      locality.setEnabled(true);
      lb.setLocalityLbSetting(locality);
    }
    if (policy.getOutlierDetection() == null) {
      var od = new OutlierDetection();
      od.setConsecutive5xxErrors(DEFAULT_CONSECUTIVE_5XX);
      od.setInterval(DEFAULT_INTERVAL);
      od.setBaseEjectionTime(DEFAULT_BASE_EJECTION);
      policy.setOutlierDetection(od);
    }
    return policy;
  }
}
