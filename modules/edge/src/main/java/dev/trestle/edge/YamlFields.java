package dev.trestle.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.translator.ObjectNames;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads of one YAML file's fields that collect every problem as {@code file: field: why}
 * instead of stopping at the first, so an operator fixes a file in one go. A missing or null field
 * reads as its absent value; a wrong type is a problem and reads as absent too.
 */
final class YamlFields {
  private final String file;
  private final List<String> problems = new ArrayList<>();

  YamlFields(String file) {
    this.file = file;
  }

  String file() {
    return file;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String field, String why) {
    problems.add(file + ": " + field + ": " + why);
  }

  /** Every key of {@code n} must be one of {@code allowed}: a typo must not drop a field. */
  void keys(String prefix, JsonNode n, Set<String> allowed) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        problem(prefix + k, "unknown field (expected one of " + new TreeSet<>(allowed) + ")");
      }
    }
  }

  String string(String at, JsonNode n, boolean required) {
    if (n == null || n.isNull()) {
      if (required) {
        problem(at, "is required");
      }
      return "";
    }
    if (!n.isTextual()) {
      problem(at, "must be a string");
      return "";
    }
    if (required && n.asText().isBlank()) {
      problem(at, "must not be empty");
    }
    return n.asText().strip();
  }

  List<JsonNode> list(String at, JsonNode n) {
    var out = new ArrayList<JsonNode>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problem(at, "must be a list");
      return out;
    }
    n.forEach(out::add);
    return out;
  }

  long count(String at, JsonNode n, long absent) {
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isIntegralNumber() || n.asLong() < 0) {
      problem(at, "'" + n.asText() + "' is not a count (0 or more)");
      return absent;
    }
    return n.asLong();
  }

  boolean bool(String at, JsonNode n, boolean absent) {
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isBoolean()) {
      problem(at, "must be true or false");
      return absent;
    }
    return n.asBoolean();
  }

  /** A mapping of key: scalar value (labels), in the file's order. */
  Map<String, String> labels(String at, JsonNode n) {
    var labels = new LinkedHashMap<String, String>();
    if (n == null || n.isNull()) {
      return labels;
    }
    if (!n.isObject()) {
      problem(at, "must be a mapping of key: value");
      return labels;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        problem(at + "." + e.getKey(), "must be a string");
      } else {
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    return labels;
  }

  boolean dnsLabel(String at, String value) {
    if (!value.isEmpty() && !ObjectNames.isDnsLabel(value)) {
      problem(at, "'" + value + "' is not a DNS-1123 label (a-z, 0-9, '-', at most 63)");
      return false;
    }
    return !value.isEmpty();
  }
}
