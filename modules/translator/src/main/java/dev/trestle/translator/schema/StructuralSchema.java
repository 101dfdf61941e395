package dev.trestle.translator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a CRD's {@code openAPIV3Schema} (a Kubernetes structural schema) into a plain JSON
 * Schema that refuses what the API server would refuse under {@code fieldValidation=Strict}:
 *
 * <ul>
 *   <li>an object schema without {@code x-kubernetes-preserve-unknown-fields} gets {@code
 *       additionalProperties: false} (the API server prunes, or with strict field validation
 *       refuses, unknown fields);
 *   <li>{@code x-kubernetes-int-or-string} becomes {@code type: [integer, string]};
 *   <li>{@code nullable: true} adds {@code null} to the type;
 *   <li>the root accepts {@code apiVersion}, {@code kind} and {@code metadata}, which the API
 *       server checks itself ({@code KubernetesValidation} does that here).
 * </ul>
 *
 * {@code oneOf}, {@code anyOf}, {@code allOf}, {@code not}, {@code enum}, bounds, lengths and
 * patterns are JSON Schema already. {@code x-kubernetes-validations} (CEL) are left to {@link
 * CelRules}; descriptions are dropped.
 */
final class StructuralSchema {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> SUBSCHEMA_LISTS = List.of("allOf", "anyOf", "oneOf");

  private StructuralSchema() {}

  static ObjectNode toJsonSchema(JsonNode openApiV3Schema) {
    ObjectNode root = convert(openApiV3Schema);
    ObjectNode properties = root.with("properties");
    properties.set("apiVersion", NODES.objectNode().put("type", "string"));
    properties.set("kind", NODES.objectNode().put("type", "string"));
    properties.set("metadata", NODES.objectNode().put("type", "object"));
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    return root;
  }

  private static ObjectNode convert(JsonNode in) {
    ObjectNode out = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
      var e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.startsWith("x-kubernetes-") || key.equals("nullable") || key.equals("description")) {
        continue;
      }
      if (key.equals("properties")) {
        ObjectNode props = NODES.objectNode();
        value.fields().forEachRemaining(p -> props.set(p.getKey(), convert(p.getValue())));
        out.set(key, props);
      } else if ((key.equals("items") || key.equals("additionalProperties") || key.equals("not"))
          && value.isObject()) {
        out.set(key, convert(value));
      } else if (SUBSCHEMA_LISTS.contains(key)) {
        ArrayNode list = NODES.arrayNode();
        value.forEach(v -> list.add(convert(v)));
        out.set(key, list);
      } else {
        out.set(key, value.deepCopy());
      }
    }
    if (in.path("x-kubernetes-int-or-string").asBoolean(false)) {
      out.set("type", NODES.arrayNode().add("integer").add("string"));
    }
    boolean preserveUnknown = in.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean objectSchema = "object".equals(in.path("type").asText()) || in.has("properties");
    if (objectSchema && !preserveUnknown && !in.has("additionalProperties")) {
      out.put("additionalProperties", false);
    }
    if (in.path("nullable").asBoolean(false) && out.has("type")) {
      JsonNode type = out.get("type");
      ArrayNode types = type.isArray() ? (ArrayNode) type.deepCopy() : NODES.arrayNode().add(type);
      types.add("null");
      out.set("type", types);
      if (out.has("enum")) {
        ((ArrayNode) out.get("enum")).addNull();
      }
    }
    return out;
  }
}
