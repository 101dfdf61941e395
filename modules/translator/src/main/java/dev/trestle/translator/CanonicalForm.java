package dev.trestle.translator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trestle.protocol.CanonicalJson;

/**
 * The one serialized form of an emitted object: Jackson's view of the fabric8 model with every
 * object key sorted. Content hashes are taken over the compact JSON text; YAML is the same tree for
 * people and for the edge's files.
 */
public final class CanonicalForm {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  // "8080" in an AuthorizationPolicy port list must stay a string.
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build())
          .build();

  private CanonicalForm() {}

  /** The sorted JSON tree of a model object. */
  public static JsonNode tree(Object object) {
    return CanonicalJson.sorted(JSON.valueToTree(object));
  }

  public static String json(JsonNode tree) {
    try {
      return JSON.writeValueAsString(CanonicalJson.sorted(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String yaml(JsonNode tree) {
    try {
      return YAML.writeValueAsString(CanonicalJson.sorted(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads YAML back into a tree (multi-document input is not accepted here). */
  public static JsonNode readYaml(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
    }
  }
}
