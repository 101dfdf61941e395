package dev.trestle.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes manifests read into fabric8's typed model classes (Deployment, Role, ...). */
final class Manifests {
  static final String KUSTOMIZATION = "kustomization.yaml";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  /**
   * Every document of {@code file} as a typed object. Fails on a document whose kind has no model
   * class (it would only be a GenericKubernetesResource: nothing checked) or whose fields have the
   * wrong type; unknown fields are left to {@link UnknownFields}.
   */
  static List<HasMetadata> load(Path file) {
    var out = new ArrayList<HasMetadata>();
    for (JsonNode doc : RepoFiles.documents(file)) {
      HasMetadata object;
      try {
        object = SERIALIZATION.unmarshal(doc.toString(), HasMetadata.class);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file
                + ": "
                + doc.path("kind").asText("(no kind)")
                + " does not parse: "
                + e.getMessage(),
            e);
      }
      if (object == null || object instanceof GenericKubernetesResource) {
        throw new IllegalArgumentException(
            file
                + ": "
                + doc.path("apiVersion").asText()
                + " "
                + doc.path("kind").asText()
                + " is not a Kubernetes kind fabric8 knows");
      }
      out.add(object);
    }
    return out;
  }

  /** The manifests (not kustomization.yaml) under {@code dir}. */
  static List<Path> files(Path dir) {
    return RepoFiles.yamlFiles(dir).stream()
        .filter(f -> !f.getFileName().toString().equals(KUSTOMIZATION))
        .toList();
  }

  static List<HasMetadata> loadAll(Path dir) {
    var out = new ArrayList<HasMetadata>();
    files(dir).forEach(f -> out.addAll(load(f)));
    return out;
  }

  static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = ofType(objects, type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.get(0);
  }
}
