package dev.trestle.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The TRESTLE_* environment variables Trestle reads, so a container file setting one that nothing
 * reads (a typo, a renamed key) is caught: the {@code ${?VAR}} overrides in conf/trestle.conf and
 * the server's reference.conf and trestle-pekko.conf, and the names the CLI, the launcher module
 * and the image's launcher script read.
 */
record ConfigNames(Set<String> known) {
  private static final Pattern OVERRIDE = Pattern.compile("\\$\\{\\?(TRESTLE_[A-Z0-9_]+)}");
  private static final Pattern NAME =
      Pattern.compile("\"(TRESTLE_[A-Z0-9_]+)\"|\\$\\{?(TRESTLE_[A-Z0-9_]+)");

  static ConfigNames load(Path root) {
    var names = new TreeSet<String>();
    collect(OVERRIDE, root.resolve("conf/trestle.conf"), names);
    collect(OVERRIDE, root.resolve("modules/server/src/main/resources/reference.conf"), names);
    collect(OVERRIDE, root.resolve("modules/server/src/main/resources/trestle-pekko.conf"), names);
    collect(NAME, root.resolve("docker/bin/trestle"), names);
    for (String module : List.of("modules/cli", "modules/launcher")) {
      try (Stream<Path> sources = Files.walk(root.resolve(module + "/src/main/java"))) {
        sources.filter(f -> f.toString().endsWith(".java")).forEach(f -> collect(NAME, f, names));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ConfigNames(Set.copyOf(names));
  }

  private static void collect(Pattern pattern, Path file, Set<String> into) {
    Matcher m = pattern.matcher(RepoFiles.read(file));
    while (m.find()) {
      for (int g = 1; g <= m.groupCount(); g++) {
        if (m.group(g) != null) {
          into.add(m.group(g));
        }
      }
    }
  }

  /** Problems for the TRESTLE_* names in {@code names} that Trestle does not read. */
  List<String> unknown(Collection<String> names, String where) {
    return names.stream()
        .filter(n -> n.startsWith("TRESTLE_") && !known.contains(n))
        .map(
            n ->
                where
                    + ": environment variable "
                    + n
                    + " is read by nothing (not in conf/trestle.conf, reference.conf or the CLI)")
        .toList();
  }
}
