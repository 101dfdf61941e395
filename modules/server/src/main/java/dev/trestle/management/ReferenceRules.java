package dev.trestle.management;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import java.util.List;
import java.util.Map;

/**
 * References to other resources by FQN: well formed and of the right kind (alone), and, in context,
 * existing (as far as the caller may see: {@link ValidationContext#existingReferences}).
 */
final class ReferenceRules {
  private ReferenceRules() {}

  static void fqnsOfKind(Checks c, String field, List<String> fqns, Kind kind) {
    for (int j = 0; j < fqns.size(); j++) {
      fqnOfKind(c, field + "[" + j + "]", fqns.get(j), kind);
    }
  }

  static void fqnOfKind(Checks c, String field, String text, Kind kind) {
    try {
      Fqn fqn = Fqn.parse(text);
      if (fqn.kind().orElse(null) != kind) {
        c.add(field, "'" + text + "' is not the FQN of a " + kind.kindName());
      }
    } catch (IllegalArgumentException e) {
      c.add(field, e.getMessage());
    }
  }

  static void exist(Map<String, String> references, Checks c) {
    references.forEach(
        (path, fqn) -> {
          if (!c.context().existingReferences().contains(fqn)) {
            c.add(path, "refers to " + fqn + ", which does not exist");
          }
        });
  }
}
