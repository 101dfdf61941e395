package dev.trestle.translator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * One Istio object a cluster must run, frozen in its canonical JSON form.
 *
 * @param key API version, kind, namespace and name
 * @param sourceKind kind of the resource the object is named after ({@code ServiceRoute}, ...)
 * @param sourceFqn FQN of that resource
 * @param sourceVersion its version
 * @param inputs the translated resources whose content went into the object, as {@code
 *     fqn@version}, sorted (the source is one of them); see {@link IstioTranslator} for what is
 *     deliberately not listed
 * @param type the fabric8 model class, for {@link #object()}
 * @param json canonical JSON (keys sorted, compact)
 * @param contentHash SHA-256 (hex) of {@code json}
 */
public record DesiredObject(
    ObjectKey key,
    String sourceKind,
    String sourceFqn,
    long sourceVersion,
    List<String> inputs,
    Class<? extends HasMetadata> type,
    String json,
    String contentHash)
    implements SetHash.Member {

  public DesiredObject {
    inputs = List.copyOf(inputs);
  }

  static DesiredObject of(
      HasMetadata object, String sourceKind, String sourceFqn, long version, List<String> inputs) {
    JsonNode tree = CanonicalForm.tree(object);
    String json = CanonicalForm.json(tree);
    var meta = object.getMetadata();
    return new DesiredObject(
        new ObjectKey(
            object.getApiVersion(), object.getKind(), meta.getNamespace(), meta.getName()),
        sourceKind,
        sourceFqn,
        version,
        inputs,
        object.getClass(),
        json,
        SetHash.content(json));
  }

  /** A fresh tree of the object (callers may modify it). */
  public JsonNode tree() {
    try {
      return CanonicalForm.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh fabric8 model object (for a Kubernetes client); changing it changes nothing here. */
  public HasMetadata object() {
    try {
      return CanonicalForm.JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("emitted JSON no longer reads as " + type.getName(), e);
    }
  }

  /** The object as one YAML document (no {@code ---} marker). */
  public String yaml() {
    return CanonicalForm.yaml(tree());
  }
}
