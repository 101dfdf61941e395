package dev.trestle.desiredstate;

import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.translator.ObjectKey;
import java.util.List;

/**
 * One object of a cluster's desired state, as stored (the translator's object minus its model
 * class).
 */
record StoredObject(
    ObjectKey key,
    String sourceFqn,
    long sourceVersion,
    List<String> inputs,
    String json,
    String contentHash) {

  StoredObject {
    inputs = List.copyOf(inputs);
  }

  static StoredObject of(dev.trestle.translator.DesiredObject o) {
    return new StoredObject(
        o.key(), o.sourceFqn(), o.sourceVersion(), o.inputs(), o.json(), o.contentHash());
  }

  DesiredObject toProto() {
    return DesiredObject.newBuilder()
        .setKey(key.toProto())
        .setSourceFqn(sourceFqn)
        .setSourceVersion(sourceVersion)
        .setJson(json)
        .setContentHash(contentHash)
        .build();
  }
}
