package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.translator.schema.IstioSchemas;
import dev.trestle.translator.schema.SchemaViolation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio's CRD schemas from {@code ../shared/vendor/istio/crd-all.gen.yaml} (beside the checkout),
 * and the one assertion every test makes about emitted objects. A missing file fails the test: it
 * is never a reason to skip the check.
 */
final class IstioSchemaCheck {
  static final Path CRDS =
      Path.of(
          System.getProperty(
              "trestle.istio.crds", "../../../shared/vendor/istio/crd-all.gen.yaml"));
  private static IstioSchemas schemas;

  private IstioSchemaCheck() {}

  static synchronized IstioSchemas schemas() {
    if (schemas == null) {
      schemas = load(CRDS);
    }
    return schemas;
  }

  /** The schemas in {@code crds}; an {@link AssertionError} (a failed test) when it is missing. */
  static IstioSchemas load(Path crds) {
    if (!Files.isRegularFile(crds)) {
      throw new AssertionError(
          "Istio's CRD schemas are missing: "
              + crds.toAbsolutePath().normalize()
              + " (shared/vendor/istio/crd-all.gen.yaml must sit beside the checkout)");
    }
    try (InputStream in = Files.newInputStream(crds)) {
      return IstioSchemas.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<SchemaViolation> violations(Iterable<DesiredObject> objects) {
    var out = new ArrayList<SchemaViolation>();
    for (DesiredObject o : objects) {
      out.addAll(violations(o.tree()));
    }
    return out;
  }

  static List<SchemaViolation> violations(JsonNode object) {
    if (isConfigMap(object)) {
      return configMapViolations(object);
    }
    if (NetworkPolicyCheck.isNetworkPolicy(object)) {
      return NetworkPolicyCheck.violations(object);
    }
    assertThat(IstioSchemas.isIstio(object))
        .as(
            "%s %s is not an Istio kind: add its schema check",
            object.path("apiVersion"), object.path("kind"))
        .isTrue();
    return schemas().violations(object);
  }

  private static boolean isConfigMap(JsonNode object) {
    return object.path("apiVersion").asText().equals("v1")
        && object.path("kind").asText().equals("ConfigMap");
  }

  /**
   * The one core kind the translator emits (the rate-limit service's configuration): strictly
   * apiVersion, kind, metadata and string {@code data}, as the API server's ConfigMap schema allows
   * of what Trestle writes.
   */
  private static List<SchemaViolation> configMapViolations(JsonNode object) {
    var out = new ArrayList<SchemaViolation>();
    String name =
        object.at("/metadata/namespace").asText() + "/" + object.at("/metadata/name").asText();
    object
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!List.of("apiVersion", "kind", "metadata", "data").contains(f)) {
                out.add(new SchemaViolation(name, f, "unknown", "not a ConfigMap field"));
              }
            });
    object
        .path("data")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual() || !e.getKey().matches("[-._a-zA-Z0-9]+")) {
                out.add(
                    new SchemaViolation(
                        name, "data." + e.getKey(), "type", "keys are file names, values strings"));
              }
            });
    return out;
  }

  /** Fails with every violation when the cluster's API server would refuse any of the objects. */
  static void assertAdmitted(DesiredObjects out) {
    assertThat(violations(out.objects())).as("schema violations").isEmpty();
  }
}
