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
    assertThat(IstioSchemas.isIstio(object))
        .as(
            "%s %s is not an Istio kind: add its schema check",
            object.path("apiVersion"), object.path("kind"))
        .isTrue();
    return schemas().violations(object);
  }

  /** Fails with every violation when the cluster's API server would refuse any of the objects. */
  static void assertAdmitted(DesiredObjects out) {
    assertThat(violations(out.objects())).as("schema violations").isEmpty();
  }
}
