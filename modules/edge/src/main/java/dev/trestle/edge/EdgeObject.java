package dev.trestle.edge;

import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.translator.ObjectKey;
import java.util.Objects;

/**
 * One object of a cluster's desired state as the edge keeps it: its key, where it came from, its
 * canonical Kubernetes JSON and the SHA-256 of that JSON (as central computed it).
 */
public record EdgeObject(
    ObjectKey key, String sourceFqn, long sourceVersion, String json, String contentHash) {

  public EdgeObject {
    Objects.requireNonNull(key, "key");
    sourceFqn = sourceFqn == null ? "" : sourceFqn;
    Objects.requireNonNull(json, "json");
    contentHash = contentHash == null ? "" : contentHash;
  }

  public static EdgeObject fromProto(DesiredObject o) {
    return new EdgeObject(
        key(o.getKey()), o.getSourceFqn(), o.getSourceVersion(), o.getJson(), o.getContentHash());
  }

  public static ObjectKey key(dev.trestle.protocol.v1.ObjectKey k) {
    return new ObjectKey(k.getApiVersion(), k.getKind(), k.getNamespace(), k.getName());
  }

  public static dev.trestle.protocol.v1.ObjectKey toProto(ObjectKey k) {
    return dev.trestle.protocol.v1.ObjectKey.newBuilder()
        .setApiVersion(k.apiVersion())
        .setKind(k.kind())
        .setNamespace(k.namespace())
        .setName(k.name())
        .build();
  }
}
