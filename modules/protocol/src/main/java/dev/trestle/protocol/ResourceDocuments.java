package dev.trestle.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The user-facing document form of resources ({@code apiVersion}, {@code kind}, {@code metadata},
 * {@code spec}) in YAML or JSON, to and from the protobuf {@link Resource}.
 */
public final class ResourceDocuments {
  /** Documents larger than this are refused before parsing. */
  public static final int MAX_INPUT_BYTES = 4 * 1024 * 1024;

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .build();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ResourceDocuments() {}

  /**
   * Reads every document of a YAML or JSON text (a JSON array counts as one document per element).
   * Syntax errors end the read: the documents before them are returned, followed by one failed
   * entry.
   */
  public static List<ParsedDocument> parse(String text) {
    if (text.length() > MAX_INPUT_BYTES) {
      throw new DocumentException(
          "", "input is " + text.length() + " bytes; the limit is " + MAX_INPUT_BYTES);
    }
    var out = new ArrayList<ParsedDocument>();
    int index = 0;
    try (JsonParser parser = YAML.getFactory().createParser(text);
        MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class)) {
      while (true) {
        JsonLocation location = parser.currentLocation();
        int line = Math.max(1, location.getLineNr());
        JsonNode node;
        try {
          if (!docs.hasNextValue()) {
            break;
          }
          line = Math.max(1, parser.currentTokenLocation().getLineNr());
          node = docs.nextValue();
        } catch (JsonProcessingException e) {
          index++;
          var where = e.getLocation();
          out.add(
              new ParsedDocument(
                  index,
                  where == null ? line : where.getLineNr(),
                  null,
                  new DocumentException(
                      "", "malformed YAML/JSON: " + e.getOriginalMessage().strip())));
          return out;
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
          continue; // an empty document between two '---'
        }
        if (node.isArray()) {
          for (JsonNode element : node) {
            index++;
            out.add(read(index, line, element));
          }
        } else {
          index++;
          out.add(read(index, line, node));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static ParsedDocument read(int index, int line, JsonNode node) {
    try {
      return new ParsedDocument(index, line, fromDocument(node), null);
    } catch (DocumentException e) {
      return new ParsedDocument(index, line, null, e);
    }
  }

  /** Converts one document tree into a resource; throws {@link DocumentException}. */
  public static Resource fromDocument(JsonNode doc) {
    if (!doc.isObject()) {
      throw new DocumentException("", "a document must be a mapping, found " + doc.getNodeType());
    }
    var allowed = List.of("apiVersion", "kind", "metadata", "spec");
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new DocumentException(key, "unknown top-level field (expected " + allowed + ")");
      }
    }
    JsonNode apiVersion = doc.path("apiVersion");
    if (!apiVersion.isTextual() || !Kind.API_VERSION.equals(apiVersion.asText())) {
      throw new DocumentException(
          "apiVersion",
          (apiVersion.isMissingNode()
                  ? "is required"
                  : "'" + apiVersion.asText() + "' is not supported")
              + "; use "
              + Kind.API_VERSION);
    }
    JsonNode kindNode = doc.path("kind");
    if (!kindNode.isTextual() || kindNode.asText().isBlank()) {
      throw new DocumentException("kind", "is required; one of " + Kind.acceptedNames());
    }
    Kind kind =
        Kind.byKindName(kindNode.asText())
            .orElseThrow(
                () ->
                    new DocumentException(
                        "kind",
                        "unknown kind '"
                            + kindNode.asText()
                            + "'; one of "
                            + Kind.acceptedNames()));
    JsonNode metadata = doc.path("metadata");
    if (!metadata.isObject()) {
      throw new DocumentException("metadata", "is required and must be a mapping");
    }
    JsonNode spec = doc.path("spec");
    if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
      throw new DocumentException("spec", "must be a mapping");
    }

    var builder = Resource.newBuilder().setApiVersion(Kind.API_VERSION).setKind(kind.kindName());
    ResourceMetadata.Builder meta = ResourceMetadata.newBuilder();
    checkKnownFields(metadata, ResourceMetadata.getDescriptor(), "metadata");
    mergeJson(metadata, meta, "metadata");
    builder.setMetadata(meta);

    FieldDescriptor specField = specField(kind);
    Message.Builder specBuilder = builder.newBuilderForField(specField);
    JsonNode specTree = spec.isObject() ? spec : JsonNodeFactory.instance.objectNode();
    checkKnownFields(specTree, specField.getMessageType(), "spec");
    mergeJson(specTree, specBuilder, "spec");
    builder.setField(specField, specBuilder.build());
    return builder.build();
  }

  /** The document tree of a resource: metadata and spec in proto3 JSON form. */
  public static ObjectNode toDocument(Resource resource) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("apiVersion", Kind.API_VERSION);
    doc.put("kind", resource.getKind());
    JsonNode metadata = CanonicalJson.tree(resource.getMetadata());
    if (metadata instanceof ObjectNode m && m.has("version")) {
      m.put("version", m.get("version").asLong());
    }
    doc.set("metadata", orderedMetadata(metadata));
    doc.set("spec", specTree(resource));
    return doc;
  }

  /** The spec part of a resource as a canonical JSON tree ({} when unset). */
  public static JsonNode specTree(Resource resource) {
    Kind kind = Kind.byKindName(resource.getKind()).orElse(null);
    if (kind == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    FieldDescriptor field = specField(kind);
    return resource.hasField(field)
        ? CanonicalJson.tree((Message) resource.getField(field))
        : JsonNodeFactory.instance.objectNode();
  }

  public static String toYaml(List<Resource> resources) {
    var sb = new StringBuilder();
    for (Resource r : resources) {
      if (sb.length() > 0) {
        sb.append("---\n");
      }
      sb.append(writeYaml(toDocument(r)));
    }
    return sb.toString();
  }

  public static String writeYaml(JsonNode node) {
    try {
      return YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String toJson(List<Resource> resources) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    resources.forEach(r -> array.add(toDocument(r)));
    try {
      return CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static FieldDescriptor specField(Kind kind) {
    return Resource.getDescriptor().findFieldByNumber(kind.specCase().getNumber());
  }

  private static void mergeJson(JsonNode tree, Message.Builder builder, String path) {
    try {
      PARSER.merge(CanonicalJson.MAPPER.writeValueAsString(tree), builder);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new DocumentException(path, cleanProtobufMessage(e.getMessage()));
    }
  }

  private static String cleanProtobufMessage(String message) {
    return message == null ? "invalid value" : message.replace("trestle.v1.", "");
  }

  /** Rejects keys that are not fields of the message, naming the full path and the valid keys. */
  private static void checkKnownFields(JsonNode node, Descriptor type, String path) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var entry = it.next();
      String key = entry.getKey();
      FieldDescriptor field = findField(type, key);
      String fieldPath = path + "." + key;
      if (field == null) {
        String known =
            type.getFields().stream()
                .map(FieldDescriptor::getJsonName)
                .collect(Collectors.joining(", "));
        throw new DocumentException(fieldPath, "unknown field; known fields are: " + known);
      }
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
        if (field.isMapField()
            && field.getMessageType().findFieldByName("value").getJavaType()
                == FieldDescriptor.JavaType.MESSAGE
            && entry.getValue().isObject()) {
          Descriptor valueType = field.getMessageType().findFieldByName("value").getMessageType();
          entry
              .getValue()
              .fields()
              .forEachRemaining(
                  e -> checkKnownFields(e.getValue(), valueType, fieldPath + "." + e.getKey()));
        }
        continue;
      }
      if (field.isRepeated() && entry.getValue().isArray()) {
        int i = 0;
        for (JsonNode element : entry.getValue()) {
          checkKnownFields(element, field.getMessageType(), fieldPath + "[" + i++ + "]");
        }
      } else {
        checkKnownFields(entry.getValue(), field.getMessageType(), fieldPath);
      }
    }
  }

  private static FieldDescriptor findField(Descriptor type, String key) {
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJsonName().equals(key) || f.getName().equals(key)) {
        return f;
      }
    }
    return null;
  }

  private static JsonNode orderedMetadata(JsonNode metadata) {
    // Identity first, then parents, then the rest: what a reader scans for.
    var order =
        List.of(
            "name",
            "organization",
            "tenant",
            "workspace",
            "group",
            "labels",
            "description",
            "deletionProtection",
            "version",
            "fqn",
            "createTime",
            "createdBy",
            "updateTime",
            "updatedBy");
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String key : order) {
      if (metadata.has(key)) {
        out.set(key, metadata.get(key));
      }
    }
    metadata
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!out.has(k)) {
                out.set(k, metadata.get(k));
              }
            });
    return out;
  }
}
