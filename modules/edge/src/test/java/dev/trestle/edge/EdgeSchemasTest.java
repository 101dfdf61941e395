package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The edge carries Istio's schemas, with where they come from. */
class EdgeSchemasTest {

  @Test
  void theJarCarriesIstiosCrdSchemasWithTheirSourceAndLicence() throws IOException {
    assertThat(EdgeSchemas.istio().kinds())
        .contains(
            "networking.istio.io/v1 VirtualService",
            "networking.istio.io/v1alpha3 EnvoyFilter",
            "extensions.istio.io/v1alpha1 WasmPlugin");
    String dir = EdgeSchemas.RESOURCE.substring(0, EdgeSchemas.RESOURCE.lastIndexOf('/') + 1);
    try (InputStream readme = EdgeSchemas.class.getResourceAsStream(dir + "README.md");
        InputStream licence = EdgeSchemas.class.getResourceAsStream(dir + "LICENSE")) {
      assertThat(readme).as("README.md with the source commit").isNotNull();
      assertThat(new String(readme.readAllBytes(), StandardCharsets.UTF_8))
          .contains("86c9f01fd735fb01d8192f5bcaf0d424afb7f14c");
      assertThat(licence).as("Istio's LICENSE").isNotNull();
    }
  }
}
