package dev.trestle.cli;

import java.util.List;

/**
 * A status verb's argument: an FQN as given, or a bare NAME that must name exactly one of the
 * readable resources of its collection (e.g. {@code trestle gitops status config}).
 */
final class UniqueName {
  private UniqueName() {}

  /**
   * @param readable the FQNs the caller may read
   * @param collection the collection segment ({@code gitsources})
   * @param kind the kind, for the error ({@code GitSource})
   */
  static String resolve(String given, List<String> readable, String collection, String kind) {
    if (given.contains("/")) {
      return given;
    }
    var matches =
        readable.stream().filter(f -> f.endsWith("/" + collection + "/" + given)).toList();
    if (matches.size() != 1) {
      throw new CliException(
          matches.isEmpty()
              ? "no " + kind + " named '" + given + "' that you may read"
              : "'" + given + "' names several " + kind + "s; give the FQN: " + matches);
    }
    return matches.get(0);
  }
}
