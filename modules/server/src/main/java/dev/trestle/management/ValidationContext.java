package dev.trestle.management;

import dev.trestle.core.CborSerializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a resource is validated against besides itself: its ancestors as stored (root first), which
 * of the resources it references exist, and each existing referenced resource whose content a rule
 * needs (a WasmExtension's allowed tenants), by FQN.
 */
public record ValidationContext(
    List<ResourceSnapshot> ancestors,
    Set<String> existingReferences,
    Map<String, ResourceSnapshot> referenced)
    implements CborSerializable {

  public ValidationContext {
    ancestors = List.copyOf(ancestors);
    existingReferences = Set.copyOf(existingReferences);
    referenced = Map.copyOf(referenced == null ? Map.of() : referenced);
  }

  public ValidationContext(List<ResourceSnapshot> ancestors, Set<String> existingReferences) {
    this(ancestors, existingReferences, Map.of());
  }

  public static ValidationContext empty() {
    return new ValidationContext(List.of(), Set.of());
  }

  public java.util.Optional<ResourceSnapshot> ancestor(dev.trestle.protocol.Kind kind) {
    return ancestors.stream().filter(a -> a.kind().equals(kind.kindName())).findFirst();
  }
}
