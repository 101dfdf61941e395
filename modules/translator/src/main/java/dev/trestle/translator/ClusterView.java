package dev.trestle.translator;

import dev.trestle.protocol.v1.ClusterSpec;
import dev.trestle.protocol.v1.Resource;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the translator needs to know about the one cluster it translates for: its name (the {@code
 * cluster} part of namespace selectors), network and locality (carried for cross-cluster routing;
 * the current translation does not depend on them), the namespaces the cluster has (as its edge
 * reports them) and its mesh trust domain.
 *
 * @param trustDomain the cluster's mesh trust domain; blank means {@value #DEFAULT_TRUST_DOMAIN}
 * @param servicePorts the ports of the services the cluster runs, by {@code ns/name}, as its edge
 *     reports them (empty when unknown): gateway routes need them to name a port of a multi-port
 *     service, and cross-cluster ServiceEntries take the local port names
 */
public record ClusterView(
    String name,
    String network,
    String region,
    String zone,
    SortedSet<String> namespaces,
    String trustDomain,
    SortedMap<String, List<MeshCatalog.Port>> servicePorts) {

  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public ClusterView {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a cluster view needs the cluster's name");
    }
    network = network == null ? "" : network;
    region = region == null ? "" : region;
    zone = zone == null ? "" : zone;
    namespaces = Collections.unmodifiableSortedSet(new TreeSet<>(namespaces));
    trustDomain =
        trustDomain == null || trustDomain.isBlank() ? DEFAULT_TRUST_DOMAIN : trustDomain.strip();
    var ports = new TreeMap<String, List<MeshCatalog.Port>>();
    if (servicePorts != null) {
      servicePorts.forEach((k, v) -> ports.put(k, List.copyOf(v)));
    }
    servicePorts = Collections.unmodifiableSortedMap(ports);
  }

  /** A view whose service ports are not known. */
  public ClusterView(
      String name,
      String network,
      String region,
      String zone,
      SortedSet<String> namespaces,
      String trustDomain) {
    this(name, network, region, zone, namespaces, trustDomain, null);
  }

  /**
   * This view with the ports of the services the cluster runs (its inventory): the translation of
   * the cluster depends on them, so whoever re-translates on inventory changes must compare {@link
   * MeshCatalog.Cluster#servicePorts} too.
   */
  public ClusterView withServices(Collection<MeshCatalog.Service> services) {
    var ports = new TreeMap<String, List<MeshCatalog.Port>>();
    for (MeshCatalog.Service s : services) {
      ports.put(s.key(), s.ports());
    }
    return new ClusterView(name, network, region, zone, namespaces, trustDomain, ports);
  }

  /** A view of a stored Cluster resource plus the namespaces its edge reported. */
  public static ClusterView of(Resource cluster, Collection<String> namespaces) {
    if (!cluster.hasCluster()) {
      throw new IllegalArgumentException(
          "not a Cluster resource: " + cluster.getKind() + " " + cluster.getMetadata().getName());
    }
    ClusterSpec spec = cluster.getCluster();
    return new ClusterView(
        cluster.getMetadata().getName(),
        spec.getNetwork(),
        spec.getLocality().getRegion(),
        spec.getLocality().getZone(),
        new TreeSet<>(namespaces),
        spec.getTrustDomain());
  }

  public boolean hasNamespace(String namespace) {
    return namespaces.contains(namespace);
  }
}
