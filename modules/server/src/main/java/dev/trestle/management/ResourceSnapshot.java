package dev.trestle.management;

import dev.trestle.core.CborSerializable;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The user-controlled content of a resource at one version, as journaled: the spec is canonical
 * proto3 JSON (sorted keys, defaults omitted), so equal content has equal text.
 */
public record ResourceSnapshot(
    String kind,
    String fqn,
    SortedMap<String, String> labels,
    String description,
    boolean deletionProtection,
    String specJson)
    implements CborSerializable {

  public ResourceSnapshot {
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels == null ? Map.of() : labels));
    description = description == null ? "" : description;
    specJson = specJson == null || specJson.isEmpty() ? "{}" : specJson;
  }
}
