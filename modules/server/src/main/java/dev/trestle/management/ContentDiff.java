package dev.trestle.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.JsonDiff;
import dev.trestle.protocol.v1.FieldChange;
import java.util.List;

/** The user-visible content of a resource (metadata a user sets, and spec) and diffs of it. */
public final class ContentDiff {
  private ContentDiff() {}

  /** Field-level changes between two contents, as the diff/audit views show them. */
  public static List<FieldChange> changes(ResourceSnapshot before, ResourceSnapshot after) {
    return JsonDiff.diff(
        before == null ? null : contentTree(before), after == null ? null : contentTree(after), "");
  }

  public static JsonNode contentTree(ResourceSnapshot s) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = root.putObject("metadata");
    if (!s.labels().isEmpty()) {
      ObjectNode labels = metadata.putObject("labels");
      s.labels().forEach(labels::put);
    }
    if (!s.description().isEmpty()) {
      metadata.put("description", s.description());
    }
    if (s.deletionProtection()) {
      metadata.put("deletionProtection", true);
    }
    root.set("spec", CanonicalJson.parse(s.specJson()));
    return root;
  }
}
