package dev.trestle.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fills a protobuf builder from a document tree, field by field along the message's descriptor, the
 * way the proto3 JSON mapping reads (JSON or proto field names, {@code null} = unset, numbers also
 * as strings), and names the full path of any field it refuses: {@code
 * spec.httpRoutes[0].destinations[1].weight: expected an integer, found "abc"}.
 *
 * <p>Walking the tree directly, rather than printing it as JSON for {@code JsonFormat}, is what
 * makes reading cheap and the errors precise.
 */
final class ProtoTreeReader {
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS =
      new ConcurrentHashMap<>();
  private static final Pattern YAML_TIMESTAMP =
      Pattern.compile(
          "(\\d{4}-\\d{2}-\\d{2})(?:[Tt]|[ \\t]+)(\\d{1,2})(:\\d{2}:\\d{2}(?:\\.\\d+)?)"
              + "[ \\t]*(Z|z|[+-]\\d{1,2}(?::\\d{2})?)?");
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private ProtoTreeReader() {}

  /** Merges the mapping {@code tree} into {@code builder}; throws {@link DocumentException}. */
  static void merge(JsonNode tree, Message.Builder builder, String path) {
    if (!tree.isObject()) {
      throw new DocumentException(path, "expected a mapping, found " + describe(tree));
    }
    Descriptor type = builder.getDescriptorForType();
    Map<String, FieldDescriptor> byName = fields(type);
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      var entry = it.next();
      String key = entry.getKey();
      String fieldPath = path.isEmpty() ? key : path + "." + key;
      FieldDescriptor field = byName.get(key);
      if (field == null) {
        String known =
            type.getFields().stream()
                .map(FieldDescriptor::getJsonName)
                .collect(Collectors.joining(", "));
        throw new DocumentException(fieldPath, "unknown field; known fields are: " + known);
      }
      if (key.equals(field.getName())
          && tree.has(field.getJsonName())
          && !key.equals(field.getJsonName())) {
        throw new DocumentException(
            fieldPath, "is given twice (also as '" + field.getJsonName() + "')");
      }
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        continue; // null means unset, as in the proto3 JSON mapping
      }
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null && builder.hasOneof(oneof)) {
        throw new DocumentException(
            fieldPath,
            "only one of "
                + oneof.getFields().stream()
                    .map(FieldDescriptor::getJsonName)
                    .collect(Collectors.joining(", "))
                + " may be set");
      }
      if (field.isMapField()) {
        mergeMap(field, value, builder, fieldPath);
      } else if (field.isRepeated()) {
        if (!value.isArray()) {
          throw new DocumentException(fieldPath, "expected a list, found " + describe(value));
        }
        int i = 0;
        for (JsonNode element : value) {
          String elementPath = fieldPath + "[" + i++ + "]";
          if (element.isNull()) {
            throw new DocumentException(elementPath, "a list element cannot be null");
          }
          builder.addRepeatedField(field, read(field, element, builder, elementPath));
        }
      } else {
        builder.setField(field, read(field, value, builder, fieldPath));
      }
    }
  }

  private static void mergeMap(
      FieldDescriptor field, JsonNode value, Message.Builder builder, String path) {
    if (!value.isObject()) {
      throw new DocumentException(path, "expected a mapping, found " + describe(value));
    }
    Descriptor entryType = field.getMessageType();
    FieldDescriptor keyField = entryType.findFieldByName("key");
    FieldDescriptor valueField = entryType.findFieldByName("value");
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      var e = it.next();
      String entryPath = path + "." + e.getKey();
      if (e.getValue().isNull()) {
        throw new DocumentException(entryPath, "a map value cannot be null");
      }
      Message.Builder entry = builder.newBuilderForField(field);
      entry.setField(keyField, e.getKey());
      entry.setField(valueField, read(valueField, e.getValue(), entry, entryPath));
      builder.addRepeatedField(field, entry.build());
    }
  }

  /** One value of {@code field}; {@code owner} is the builder the field belongs to. */
  private static Object read(
      FieldDescriptor field, JsonNode value, Message.Builder owner, String path) {
    switch (field.getJavaType()) {
      case MESSAGE:
        return readMessage(field, value, owner, path);
      case ENUM:
        return readEnum(field.getEnumType(), value, path);
      case STRING:
        if (!value.isValueNode()) {
          throw new DocumentException(path, "expected a string, found " + describe(value));
        }
        return value.asText();
      case BOOLEAN:
        return readBoolean(value, path);
      case INT:
        return readInteger(field, value, path).intValue();
      case LONG:
        return readInteger(field, value, path).longValue();
      case FLOAT:
        return readDecimal(value, path).floatValue();
      case DOUBLE:
        return readDecimal(value, path).doubleValue();
      case BYTE_STRING:
        try {
          return ByteString.copyFrom(Base64.getDecoder().decode(text(value, "base64", path)));
        } catch (IllegalArgumentException e) {
          throw new DocumentException(path, "expected base64, found " + describe(value));
        }
      default:
        throw new DocumentException(path, "unsupported field type " + field.getType());
    }
  }

  private static Message readMessage(
      FieldDescriptor field, JsonNode value, Message.Builder owner, String path) {
    Descriptor type = field.getMessageType();
    boolean timestamp = type.equals(Timestamp.getDescriptor());
    if (timestamp || type.equals(Duration.getDescriptor())) {
      String expected = timestamp ? "an RFC 3339 timestamp" : "a duration such as 1.5s";
      String text = text(value, expected, path);
      try {
        return timestamp ? Timestamps.parse(rfc3339(text)) : Durations.parse(text);
      } catch (ParseException e) {
        throw new DocumentException(path, "expected " + expected + ", found " + describe(value));
      }
    }
    if (type.equals(Struct.getDescriptor())) {
      return readStruct(value, path);
    }
    Message.Builder nested = owner.newBuilderForField(field);
    merge(value, nested, path);
    return nested.build();
  }

  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  /**
   * The document reader keeps every scalar as text; in a free-form object a scalar that reads as a
   * JSON number or {@code true}/{@code false} is one (as YAML's core schema reads it, quoted or
   * not: the quotes are gone by now).
   */
  private static JsonNode typedScalars(JsonNode node) {
    if (node.isObject()) {
      var out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), typedScalars(e.getValue())));
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> out.add(typedScalars(n)));
      return out;
    }
    if (node.isTextual()) {
      String t = node.asText();
      if (t.equals("true") || t.equals("false")) {
        return BooleanNode.valueOf(t.equals("true"));
      }
      if (t.length() <= 64 && JSON_NUMBER.matcher(t).matches()) {
        return DecimalNode.valueOf(new BigDecimal(t));
      }
    }
    return node;
  }

  /** A free-form object (plugin configuration): any mapping, as the JSON mapping reads it. */
  private static Struct readStruct(JsonNode value, String path) {
    if (!value.isObject()) {
      throw new DocumentException(path, "expected a mapping, found " + describe(value));
    }
    var struct = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(typedScalars(value).toString(), struct);
    } catch (InvalidProtocolBufferException e) {
      throw new DocumentException(path, e.getMessage());
    }
    return struct.build();
  }

  /**
   * A YAML timestamp as other tools write it ({@code 2026-12-07 13:04:03.620979+00:00}: a space
   * before the time, an optional space before the zone, no zone meaning UTC) in RFC 3339 form;
   * anything else unchanged.
   */
  static String rfc3339(String text) {
    Matcher m = YAML_TIMESTAMP.matcher(text.strip());
    if (!m.matches()) {
      return text;
    }
    String hour = m.group(2).length() == 1 ? "0" + m.group(2) : m.group(2);
    String zone = m.group(4);
    if (zone == null) {
      zone = "Z";
    } else if (!zone.equals("Z") && !zone.equals("z")) {
      String[] parts = zone.substring(1).split(":");
      String hh = parts[0].length() == 1 ? "0" + parts[0] : parts[0];
      zone = zone.charAt(0) + hh + ":" + (parts.length > 1 ? parts[1] : "00");
    }
    return m.group(1) + "T" + hour + m.group(3) + zone.toUpperCase(Locale.ROOT);
  }

  private static EnumValueDescriptor readEnum(EnumDescriptor type, JsonNode value, String path) {
    EnumValueDescriptor found = value.isTextual() ? type.findValueByName(value.asText()) : null;
    if (found == null) {
      String names =
          type.getValues().stream()
              .map(EnumValueDescriptor::getName)
              .filter(n -> !n.endsWith("_UNSPECIFIED"))
              .collect(Collectors.joining(", "));
      throw new DocumentException(path, "expected one of " + names + ", found " + describe(value));
    }
    return found;
  }

  private static boolean readBoolean(JsonNode value, String path) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual()) {
      switch (value.asText()) {
        case "true", "True", "TRUE":
          return true;
        case "false", "False", "FALSE":
          return false;
        default:
          break;
      }
    }
    throw new DocumentException(path, "expected true or false, found " + describe(value));
  }

  private static BigInteger readInteger(FieldDescriptor field, JsonNode value, String path) {
    BigInteger n;
    if (value.isIntegralNumber()) {
      n = value.bigIntegerValue();
    } else {
      try {
        BigDecimal d =
            value.isNumber()
                ? value.decimalValue()
                : new BigDecimal(text(value, "an integer", path));
        n = d.toBigIntegerExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw new DocumentException(path, "expected an integer, found " + describe(value));
      }
    }
    boolean unsigned =
        switch (field.getType()) {
          case UINT32, UINT64, FIXED32, FIXED64 -> true;
          default -> false;
        };
    boolean wide = field.getJavaType() == FieldDescriptor.JavaType.LONG;
    BigInteger min =
        unsigned ? BigInteger.ZERO : BigInteger.valueOf(wide ? Long.MIN_VALUE : Integer.MIN_VALUE);
    BigInteger max =
        unsigned
            ? (wide ? UINT64_MAX : BigInteger.valueOf(0xFFFFFFFFL))
            : BigInteger.valueOf(wide ? Long.MAX_VALUE : Integer.MAX_VALUE);
    if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
      throw new DocumentException(path, n + " is out of range (" + min + " to " + max + ")");
    }
    return n;
  }

  private static BigDecimal readDecimal(JsonNode value, String path) {
    if (value.isNumber()) {
      return value.decimalValue();
    }
    try {
      return new BigDecimal(text(value, "a number", path));
    } catch (NumberFormatException e) {
      throw new DocumentException(path, "expected a number, found " + describe(value));
    }
  }

  private static String text(JsonNode value, String expected, String path) {
    if (!value.isValueNode()) {
      throw new DocumentException(path, "expected " + expected + ", found " + describe(value));
    }
    return value.asText();
  }

  /** How a value is named in an error: its text for scalars, its shape for the rest. */
  static String describe(JsonNode value) {
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isTextual()) {
      String s = value.asText();
      return "\"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"";
    }
    return value.asText();
  }

  private static Map<String, FieldDescriptor> fields(Descriptor type) {
    return FIELDS.computeIfAbsent(
        type,
        t -> {
          var m = new HashMap<String, FieldDescriptor>();
          for (FieldDescriptor f : t.getFields()) {
            m.put(f.getName(), f);
            m.put(f.getJsonName(), f);
          }
          return m;
        });
  }
}
