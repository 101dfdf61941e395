package dev.trestle.edge;

import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.SetHash;
import java.util.Objects;

/**
 * One object of a cluster's desired state as the edge keeps it: its key, where it came from, its
 * canonical Kubernetes JSON and the SHA-256 of that JSON (as central computed it).
 */
public record EdgeObject(
    ObjectKey key, String sourceFqn, long sourceVersion, String json, String contentHash)
    implements SetHash.Member {

  public EdgeObject {
    Objects.requireNonNull(key, "key");
    sourceFqn = sourceFqn == null ? "" : sourceFqn;
    Objects.requireNonNull(json, "json");
    contentHash = contentHash == null ? "" : contentHash;
  }

  public static EdgeObject fromProto(DesiredObject o) {
    return new EdgeObject(
        ObjectKey.fromProto(o.getKey()),
        o.getSourceFqn(),
        o.getSourceVersion(),
        o.getJson(),
        o.getContentHash());
  }
}
