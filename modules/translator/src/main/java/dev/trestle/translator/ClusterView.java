package dev.trestle.translator;

import dev.trestle.protocol.v1.ClusterSpec;
import dev.trestle.protocol.v1.Resource;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the translator needs to know about the one cluster it translates for: its name (the {@code
 * cluster} part of namespace selectors), network and locality (carried for cross-cluster routing;
 * the current translation does not depend on them), the namespaces the cluster has (as its edge
 * reports them) and its mesh trust domain.
 *
 * @param trustDomain the cluster's mesh trust domain; blank means {@value #DEFAULT_TRUST_DOMAIN}
 */
public record ClusterView(
    String name,
    String network,
    String region,
    String zone,
    SortedSet<String> namespaces,
    String trustDomain) {

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
