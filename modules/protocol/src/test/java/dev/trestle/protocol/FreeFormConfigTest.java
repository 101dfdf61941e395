package dev.trestle.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Free-form objects (a Wasm plugin's configuration) read as documents and print back the same. */
class FreeFormConfigTest {
  private static final String EXTENSION =
      """
      apiVersion: trestle.dev/v1
      kind: WasmExtension
      metadata: {name: x, organization: o}
      spec:
        url: oci://r.example/x:1
        defaultConfig: {mode: observe, limits: {rps: 5, paths: [/a, /b]}, enabled: true}
      """;

  @Test
  void anObjectBecomesAStructAndPrintsBackAsTheSameObject() {
    var parsed = ResourceDocuments.parse(EXTENSION).get(0);
    assertThat(parsed.error()).isNull();
    var config = parsed.resource().getWasmExtension().getDefaultConfig();
    assertThat(config.getFieldsOrThrow("mode").getStringValue()).isEqualTo("observe");
    assertThat(
            config
                .getFieldsOrThrow("limits")
                .getStructValue()
                .getFieldsOrThrow("rps")
                .getNumberValue())
        .isEqualTo(5.0);
    String spec = ResourceDocuments.toDocument(parsed.resource()).path("spec").toString();
    assertThat(spec).contains("\"paths\":[\"/a\",\"/b\"]").contains("\"enabled\":true");
  }

  @Test
  void aScalarWhereAnObjectBelongsIsRefusedWithItsPath() {
    var parsed =
        ResourceDocuments.parse(
                EXTENSION.replace(
                    "defaultConfig: {mode: observe, limits: {rps: 5, paths: [/a, /b]}, enabled:"
                        + " true}",
                    "defaultConfig: 7"))
            .get(0);
    assertThat(parsed.error()).isNotNull();
    assertThat(parsed.error().getMessage()).contains("spec.defaultConfig").contains("mapping");
  }
}
