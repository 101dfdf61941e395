package dev.trestle.protocol;

import java.util.Optional;

/**
 * One {@code "cluster/namespace"} selector of a workspace or group, the unit of placement. Either
 * part may be {@code *} (any cluster, any namespace); there are no partial wildcards such as {@code
 * prod-*}. The server's validator parses with this and also requires each part that is not {@code
 * *} to be a DNS label; the translator and central's fan-out read the stored selectors with this,
 * so a selector means the same everywhere.
 */
public record NamespaceSelector(String cluster, String namespace) {

  public static final String ANY = "*";

  /**
   * Parses {@code "cluster/namespace"}; empty when the text has not exactly two non-empty parts.
   */
  public static Optional<NamespaceSelector> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NamespaceSelector(parts[0], parts[1]));
  }

  public boolean matches(String clusterName, String ns) {
    return matchesCluster(clusterName) && selectsNamespace(ns);
  }

  public boolean matchesCluster(String clusterName) {
    return cluster.equals(ANY) || cluster.equals(clusterName);
  }

  /** True when this selector can pick namespace {@code ns} in some cluster. */
  public boolean selectsNamespace(String ns) {
    return namespace.equals(ANY) || namespace.equals(ns);
  }

  /** True when every namespace this selector picks is also picked by {@code outer}. */
  public boolean within(NamespaceSelector outer) {
    return (outer.cluster.equals(ANY) || outer.cluster.equals(cluster))
        && (outer.namespace.equals(ANY) || outer.namespace.equals(namespace));
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
