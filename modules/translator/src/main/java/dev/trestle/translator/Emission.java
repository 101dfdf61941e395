package dev.trestle.translator;

import dev.trestle.protocol.v1.Resource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Collects the objects and diagnostics of one translation; the first object for a key wins. */
final class Emission {
  private final Map<ObjectKey, DesiredObject> objects = new TreeMap<>();
  private final TreeSet<Diagnostic> diagnostics = new TreeSet<>();

  void emit(HasMetadata object, Provenance provenance) {
    DesiredObject desired =
        DesiredObject.of(
            object,
            provenance.source().getKind(),
            provenance.sourceFqn(),
            provenance.sourceVersion(),
            provenance.inputRefs());
    DesiredObject earlier = objects.putIfAbsent(desired.key(), desired);
    if (earlier != null) {
      warn(
          provenance.sourceFqn(),
          desired.key()
              + " is already emitted for "
              + earlier.sourceFqn()
              + "; this copy is dropped");
    }
  }

  /** The object emitted so far under {@code key}, if any. */
  java.util.Optional<DesiredObject> find(ObjectKey key) {
    return java.util.Optional.ofNullable(objects.get(key));
  }

  /** The objects of {@code kind} emitted so far that are named after {@code sourceFqn}. */
  List<DesiredObject> emittedFor(String sourceFqn, String kind) {
    return objects.values().stream()
        .filter(o -> o.key().kind().equals(kind) && o.sourceFqn().equals(sourceFqn))
        .toList();
  }

  /** Replaces an emitted object by a changed copy (same key), keeping its provenance. */
  void replace(DesiredObject old, HasMetadata changed) {
    DesiredObject desired =
        DesiredObject.of(
            changed, old.sourceKind(), old.sourceFqn(), old.sourceVersion(), old.inputs());
    if (!desired.key().equals(old.key())) {
      throw new IllegalArgumentException("a replacement must keep the key " + old.key());
    }
    objects.put(desired.key(), desired);
  }

  void warn(Resource about, String message) {
    warn(about.getMetadata().getFqn(), message);
  }

  void warn(String fqn, String message) {
    diagnostics.add(new Diagnostic(fqn, message));
  }

  DesiredObjects result(String cluster) {
    return DesiredObjects.of(cluster, new ArrayList<>(objects.values()), List.copyOf(diagnostics));
  }
}
