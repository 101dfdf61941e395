package dev.trestle.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.TreeSet;

/**
 * One deterministic JSON text per message: proto3 JSON names, default values omitted, object keys
 * sorted (protobuf maps keep insertion order, which would make equal specs print differently).
 */
public final class CanonicalJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  private CanonicalJson() {}

  public static String print(Message message) {
    return write(tree(message));
  }

  public static JsonNode tree(Message message) {
    try {
      return sorted(MAPPER.readTree(PRINTER.print(message)));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType(), e);
    }
  }

  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json == null || json.isEmpty() ? "{}" : json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses canonical JSON back into a message builder of the right type. */
  public static <B extends Message.Builder> B merge(String json, B builder) {
    try {
      JsonFormat.parser().merge(json == null || json.isEmpty() ? "{}" : json, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored JSON no longer parses: " + e.getMessage(), e);
    }
  }

  public static JsonNode sorted(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String key : new TreeSet<>(iterable(object))) {
        out.set(key, sorted(object.get(key)));
      }
      return out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      array.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }

  private static java.util.List<String> iterable(ObjectNode object) {
    var names = new java.util.ArrayList<String>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
