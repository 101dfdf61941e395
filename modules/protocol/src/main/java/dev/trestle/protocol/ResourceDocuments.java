package dev.trestle.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.trestle.protocol.YamlTreeReader.RawDocument;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The user-facing document form of resources ({@code apiVersion}, {@code kind}, {@code metadata},
 * {@code spec}) in YAML or JSON, to and from the protobuf {@link Resource}.
 */
public final class ResourceDocuments {
  /** Input larger than this many bytes (UTF-8) is refused before parsing. */
  public static final int MAX_INPUT_BYTES = 4 * 1024 * 1024;

  /**
   * A document may expand (through YAML aliases) to at most this many characters and nodes; no
   * document of {@link #MAX_INPUT_BYTES} without aliases comes near it.
   */
  public static final int MAX_EXPANDED_SIZE = 2 * MAX_INPUT_BYTES;

  /** Mappings and lists may nest this deep (resources need about 8 levels). */
  public static final int MAX_NESTING_DEPTH = 64;

  /** Output-only metadata: accepted on input (so printed documents can be applied). */
  private static final Set<String> OUTPUT_ONLY_METADATA =
      Set.of(
          "fqn",
          "createTime",
          "create_time",
          "updateTime",
          "update_time",
          "createdBy",
          "created_by",
          "updatedBy",
          "updated_by");

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build())
          .build();

  private ResourceDocuments() {}

  /**
   * Reads every document of a YAML or JSON text (a JSON array counts as one document per element;
   * empty documents are skipped). Syntax errors end the read: the documents before them are
   * returned, followed by one failed entry.
   */
  public static List<ParsedDocument> parse(String text) {
    long bytes = utf8Length(text);
    if (bytes > MAX_INPUT_BYTES) {
      throw new DocumentException(
          "",
          "input is "
              + bytes
              + " bytes; the limit is "
              + MAX_INPUT_BYTES
              + " bytes (4 MiB) per request or file");
    }
    List<RawDocument> raw = JsonTreeReader.read(text).orElseGet(() -> YamlTreeReader.read(text));
    var out = new ArrayList<ParsedDocument>();
    int index = 0;
    for (RawDocument doc : raw) {
      if (doc.error() != null) {
        out.add(new ParsedDocument(++index, doc.line(), null, doc.error()));
        continue;
      }
      JsonNode node = doc.tree();
      if (node == null || node.isNull() || node.isMissingNode()) {
        continue; // an empty document (between two '---', or a trailing one)
      }
      out.add(read(++index, doc.line(), node));
    }
    return out;
  }

  private static long utf8Length(String text) {
    long n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static ParsedDocument read(int index, int line, JsonNode node) {
    try {
      return new ParsedDocument(index, line, fromDocument(node), null);
    } catch (DocumentException e) {
      return new ParsedDocument(index, line, null, e);
    }
  }

  /**
   * Why a document's {@code apiVersion} ({@code null} when absent) is refused, or {@code null} when
   * it is the supported one. The one rule for every way a document arrives (text over REST and the
   * CLI, a {@code Resource} message over gRPC), so all refuse with the same words.
   */
  public static String apiVersionProblem(String apiVersion) {
    if (Kind.API_VERSION.equals(apiVersion)) {
      return null;
    }
    return (apiVersion == null ? "is required" : "'" + apiVersion + "' is not supported")
        + "; use "
        + Kind.API_VERSION;
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
    String apiVersionProblem =
        apiVersionProblem(apiVersion.isMissingNode() ? null : apiVersion.asText());
    if (apiVersionProblem != null) {
      throw new DocumentException("apiVersion", apiVersionProblem);
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
    ProtoTreeReader.merge(withoutUnreadableOutputOnly(metadata), meta, "metadata");
    builder.setMetadata(meta);

    FieldDescriptor specField = specField(kind);
    Message.Builder specBuilder = builder.newBuilderForField(specField);
    JsonNode specTree = spec.isObject() ? spec : JsonNodeFactory.instance.objectNode();
    ProtoTreeReader.merge(specTree, specBuilder, "spec");
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

  /**
   * Output-only fields are kept when they read (so a printed document reads back as the same
   * resource) and dropped when they do not (another tool may have rewritten them): the server
   * ignores them either way.
   */
  private static JsonNode withoutUnreadableOutputOnly(JsonNode metadata) {
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    metadata
        .fields()
        .forEachRemaining(
            e -> {
              if (!OUTPUT_ONLY_METADATA.contains(e.getKey())
                  || readable(e.getKey(), e.getValue())) {
                kept.set(e.getKey(), e.getValue());
              }
            });
    return kept;
  }

  private static boolean readable(String key, JsonNode value) {
    try {
      ProtoTreeReader.merge(
          JsonNodeFactory.instance.objectNode().set(key, value),
          ResourceMetadata.newBuilder(),
          "metadata");
      return true;
    } catch (DocumentException e) {
      return false;
    }
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
