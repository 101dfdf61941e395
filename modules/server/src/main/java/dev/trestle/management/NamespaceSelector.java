package dev.trestle.management;

import java.util.Optional;

/** "cluster/namespace" with "*" for any; the unit of placement for workspaces and groups. */
public record NamespaceSelector(String cluster, String namespace) {

  public static Optional<NamespaceSelector> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.split("/", -1);
    if (parts.length != 2) {
      return Optional.empty();
    }
    for (String p : parts) {
      if (!p.equals("*") && Names.dnsLabelProblem(p) != null) {
        return Optional.empty();
      }
    }
    return Optional.of(new NamespaceSelector(parts[0], parts[1]));
  }

  /** True when every namespace this selector picks is also picked by {@code outer}. */
  public boolean within(NamespaceSelector outer) {
    return (outer.cluster.equals("*") || outer.cluster.equals(cluster))
        && (outer.namespace.equals("*") || outer.namespace.equals(namespace));
  }

  /** True when this selector can pick namespace {@code ns} in some cluster. */
  public boolean selectsNamespace(String ns) {
    return namespace.equals("*") || namespace.equals(ns);
  }

  public boolean matches(String clusterName, String ns) {
    return (cluster.equals("*") || cluster.equals(clusterName)) && selectsNamespace(ns);
  }

  @Override
  public String toString() {
    return cluster + "/" + namespace;
  }
}
