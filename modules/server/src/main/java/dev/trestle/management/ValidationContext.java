package dev.trestle.management;

import dev.trestle.core.CborSerializable;
import java.util.List;
import java.util.Set;

/**
 * What a resource is validated against besides itself: its ancestors as stored (root first) and
 * which of the resources it references exist.
 */
public record ValidationContext(List<ResourceSnapshot> ancestors, Set<String> existingReferences)
    implements CborSerializable {

  public ValidationContext {
    ancestors = List.copyOf(ancestors);
    existingReferences = Set.copyOf(existingReferences);
  }

  public static ValidationContext empty() {
    return new ValidationContext(List.of(), Set.of());
  }

  public java.util.Optional<ResourceSnapshot> ancestor(dev.trestle.protocol.Kind kind) {
    return ancestors.stream().filter(a -> a.kind().equals(kind.kindName())).findFirst();
  }
}
