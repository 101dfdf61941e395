package dev.trestle.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trestle.protocol.v1.FieldChange;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Field-level differences between two JSON trees, with paths like {@code spec.subsets[0].weight}.
 */
public final class JsonDiff {
  private JsonDiff() {}

  public static List<FieldChange> diff(JsonNode before, JsonNode after, String rootPath) {
    var changes = new ArrayList<FieldChange>();
    walk(
        before == null ? MissingNode.getInstance() : before,
        after == null ? MissingNode.getInstance() : after,
        rootPath,
        changes);
    return changes;
  }

  private static void walk(JsonNode before, JsonNode after, String path, List<FieldChange> out) {
    if (before.isObject() && after.isObject()) {
      var keys = new TreeSet<String>();
      before.fieldNames().forEachRemaining(keys::add);
      after.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        walk(before.path(key), after.path(key), join(path, key), out);
      }
      return;
    }
    if (before.isArray() && after.isArray()) {
      int n = Math.max(before.size(), after.size());
      for (int i = 0; i < n; i++) {
        walk(before.path(i), after.path(i), path + "[" + i + "]", out);
      }
      return;
    }
    if (!before.equals(after)) {
      out.add(
          FieldChange.newBuilder()
              .setPath(path)
              .setBefore(before.isMissingNode() ? "" : CanonicalJson.write(before))
              .setAfter(after.isMissingNode() ? "" : CanonicalJson.write(after))
              .build());
    }
  }

  private static String join(String path, String key) {
    return path == null || path.isEmpty() ? key : path + "." + key;
  }
}
