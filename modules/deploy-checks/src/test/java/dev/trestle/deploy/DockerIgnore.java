package dev.trestle.deploy;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The patterns of a .dockerignore (no "!" exceptions: Trestle's has none), to tell whether a COPY
 * source would be left out of the build context. A pattern matches a path or any parent.
 */
final class DockerIgnore {
  private final List<PathMatcher> matchers;

  private DockerIgnore(List<PathMatcher> matchers) {
    this.matchers = matchers;
  }

  static DockerIgnore load(Path file) {
    var matchers = new ArrayList<PathMatcher>();
    if (Files.isRegularFile(file)) {
      for (String raw : RepoFiles.read(file).split("\n")) {
        String p = raw.strip();
        if (p.isEmpty() || p.startsWith("#")) {
          continue;
        }
        if (p.startsWith("!")) {
          throw new IllegalArgumentException(
              file + ": exception patterns (" + p + ") are not supported by this check");
        }
        p = p.replaceAll("^/+|/+$", "");
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
        if (p.startsWith("**/")) {
          matchers.add(
              FileSystems.getDefault()
                  .getPathMatcher("glob:" + p.substring(3))); // ** also means "none"
        }
      }
    }
    return new DockerIgnore(matchers);
  }

  boolean ignores(String relativePath) {
    for (Path p = Path.of(relativePath.replaceAll("/+$", "")); p != null; p = p.getParent()) {
      Path candidate = p;
      if (matchers.stream().anyMatch(m -> m.matches(candidate))) {
        return true;
      }
    }
    return false;
  }
}
