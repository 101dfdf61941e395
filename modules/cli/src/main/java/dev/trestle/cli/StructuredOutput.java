package dev.trestle.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.ResourceDocuments;
import java.util.Set;

/**
 * {@code -o json} / {@code -o yaml} of API messages: the proto3 JSON mapping with every field
 * printed (so scripts can rely on keys being there), keys sorted, and versions and audit entry ids
 * as numbers (as in resource documents) instead of proto3's quoted int64. Re-printed by Jackson, so
 * quotes stay quotes (JsonFormat writes {@code '} as an escape sequence).
 */
public final class StructuredOutput {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().includingDefaultValueFields();
  private static final Set<String> NUMERIC_FIELDS = Set.of("version", "currentVersion", "id");

  private StructuredOutput() {}

  public static JsonNode tree(Message message) {
    try {
      JsonNode tree = CanonicalJson.MAPPER.readTree(PRINTER.print(message));
      numbers(tree);
      return CanonicalJson.sorted(tree);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException(
          "cannot print " + message.getDescriptorForType().getName(), e);
    }
  }

  public static String json(JsonNode tree) {
    try {
      return CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String yaml(JsonNode tree) {
    return ResourceDocuments.writeYaml(tree);
  }

  public static String format(Message message, OutputFormat format) {
    JsonNode tree = tree(message);
    return format == OutputFormat.yaml ? yaml(tree) : json(tree);
  }

  private static void numbers(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String field : NUMERIC_FIELDS) {
        JsonNode value = object.get(field);
        if (value != null && value.isTextual() && value.asText().matches("-?\\d+")) {
          object.put(field, Long.parseLong(value.asText()));
        }
      }
      object.elements().forEachRemaining(StructuredOutput::numbers);
    } else if (node instanceof ArrayNode array) {
      array.forEach(StructuredOutput::numbers);
    }
  }
}
