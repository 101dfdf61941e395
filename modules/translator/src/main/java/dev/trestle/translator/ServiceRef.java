package dev.trestle.translator;

import java.util.Optional;

/** A Kubernetes service named {@code namespace/name} in Trestle specs. */
record ServiceRef(String namespace, String name) implements Comparable<ServiceRef> {
  static final String DOMAIN = "svc.cluster.local";

  static Optional<ServiceRef> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String[] parts = text.strip().split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ServiceRef(parts[0], parts[1]));
  }

  /** {@code name.namespace.svc.cluster.local} */
  String host() {
    return name + "." + namespace + "." + DOMAIN;
  }

  @Override
  public int compareTo(ServiceRef o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
