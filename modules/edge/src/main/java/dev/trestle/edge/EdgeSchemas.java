package dev.trestle.edge;

import dev.trestle.translator.schema.IstioSchemas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Istio's CRD schemas the edge checks every object against before applying it: {@value #RESOURCE},
 * Istio's {@code crd-all.gen.yaml} vendored in the jar without descriptions (its README gives the
 * Istio commit; {@code VendoredIstioCrdsTest} keeps it equal to the trim of {@code
 * shared/vendor/istio}). Loaded once; a jar without it cannot validate and says so.
 */
final class EdgeSchemas {
  static final String RESOURCE = "/dev/trestle/edge/istio/crd-all.trimmed.yaml";

  private EdgeSchemas() {}

  static IstioSchemas istio() {
    return Holder.SCHEMAS;
  }

  private static final class Holder {
    static final IstioSchemas SCHEMAS = load();
  }

  private static IstioSchemas load() {
    try (InputStream in = EdgeSchemas.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE
                + " is missing from the edge jar: build it with shared/vendor/istio beside the"
                + " checkout");
      }
      return IstioSchemas.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Istio's CRD schemas " + RESOURCE, e);
    }
  }
}
