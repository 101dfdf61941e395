package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The edge jar's Istio CRDs are the trim (no descriptions, served versions only) of {@code
 * shared/vendor/istio/crd-all.gen.yaml}; {@code -Dtrestle.istio.update=true} rewrites them.
 */
class VendoredIstioCrdsTest {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(YAMLGenerator.Feature.SPLIT_LINES).build();

  @Test
  void theVendoredCrdsAreTheTrimOfTheSharedFile() throws IOException {
    Path shared = Path.of(System.getProperty("trestle.istio.crds", "missing"));
    Path vendored = Path.of(System.getProperty("trestle.istio.vendored", "missing"));
    assertThat(shared).as("Istio's CRDs beside the checkout").isRegularFile();
    List<JsonNode> trimmed = new ArrayList<>();
    for (JsonNode doc : read(shared)) {
      if ("CustomResourceDefinition".equals(doc.path("kind").asText())) {
        trimmed.add(trim(doc));
      }
    }
    if (Boolean.getBoolean("trestle.istio.update")) {
      var sb = new StringBuilder();
      for (JsonNode doc : trimmed) {
        sb.append(YAML.writeValueAsString(doc));
      }
      Files.writeString(vendored, sb.toString());
    }
    assertThat(read(vendored)).isEqualTo(trimmed);
    assertThat(trimmed).hasSizeGreaterThan(10);
  }

  private static List<JsonNode> read(Path file) throws IOException {
    var out = new ArrayList<JsonNode>();
    try (var docs = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc != null && !doc.isEmpty()) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  private static JsonNode trim(JsonNode crd) {
    ObjectNode out = (ObjectNode) withoutDescriptions(crd.deepCopy());
    ArrayNode versions = (ArrayNode) out.path("spec").path("versions");
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (!versions.get(i).path("served").asBoolean(false)) {
        versions.remove(i);
      }
    }
    out.remove("status");
    return out;
  }

  /** Drops every textual {@code description} (a property named description is a schema object). */
  private static JsonNode withoutDescriptions(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.path("description").isTextual()) {
        o.remove("description");
      }
      o.forEach(VendoredIstioCrdsTest::withoutDescriptions);
    } else if (node instanceof ArrayNode a) {
      a.forEach(VendoredIstioCrdsTest::withoutDescriptions);
    }
    return node;
  }
}
