package dev.trestle.translator;

/**
 * The identity of an emitted object in a cluster: API group/version, kind, namespace and name.
 * Ordered by namespace, then kind, then name (the order of {@link DesiredObjects#objects()}).
 */
public record ObjectKey(String apiVersion, String kind, String namespace, String name)
    implements Comparable<ObjectKey> {

  @Override
  public int compareTo(ObjectKey o) {
    int c = namespace.compareTo(o.namespace);
    if (c == 0) {
      c = kind.compareTo(o.kind);
    }
    if (c == 0) {
      c = name.compareTo(o.name);
    }
    return c != 0 ? c : apiVersion.compareTo(o.apiVersion);
  }

  // The wire type has the same simple name, hence its qualified name here (and only here).

  /** This key on the wire (central's desired-state deltas, the edge's NACKs). */
  public dev.trestle.protocol.v1.ObjectKey toProto() {
    return dev.trestle.protocol.v1.ObjectKey.newBuilder()
        .setApiVersion(apiVersion)
        .setKind(kind)
        .setNamespace(namespace)
        .setName(name)
        .build();
  }

  public static ObjectKey fromProto(dev.trestle.protocol.v1.ObjectKey k) {
    return new ObjectKey(k.getApiVersion(), k.getKind(), k.getNamespace(), k.getName());
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
