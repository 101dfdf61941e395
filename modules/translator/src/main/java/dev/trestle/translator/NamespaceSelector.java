package dev.trestle.translator;

import java.util.Optional;

/**
 * One {@code "cluster/namespace"} selector of a workspace or group. Either part may be {@code *}
 * (any cluster, any namespace); there are no partial wildcards such as {@code prod-*}, matching
 * what the server's validator accepts.
 */
public record NamespaceSelector(String cluster, String namespace) {

  public static final String ANY = "*";

  /** Parses {@code "cluster/namespace"}; empty when the text has not exactly two parts. */
  public static Optional<NamespaceSelector> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.strip().split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NamespaceSelector(parts[0], parts[1]));
  }

  public boolean matches(String clusterName, String ns) {
    return matchesCluster(clusterName) && (namespace.equals(ANY) || namespace.equals(ns));
  }

  public boolean matchesCluster(String clusterName) {
    return cluster.equals(ANY) || cluster.equals(clusterName);
  }

  /** True when the namespace part names one namespace rather than {@code *}. */
  public boolean hasLiteralNamespace() {
    return !namespace.equals(ANY);
  }

  @Override
  public String toString() {
    return cluster + "/" + namespace;
  }
}
