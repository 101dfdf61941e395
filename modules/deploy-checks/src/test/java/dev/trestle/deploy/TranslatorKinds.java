package dev.trestle.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Istio kinds the translators emit, found from the fabric8 Istio model classes they import
 * (io.fabric8.istio.api.GROUP.v1.KIND): what the edge applies, so what its RBAC must allow. A new
 * kind in a translator fails the RBAC test until the ClusterRole grants it.
 */
final class TranslatorKinds {
  private static final Pattern IMPORT =
      Pattern.compile(
          "import io\\.fabric8\\.istio\\.api\\.(networking|security)\\.v1\\.([A-Z]\\w+);");

  private TranslatorKinds() {}

  /** API group -> plural resource names, e.g. networking.istio.io -> [destinationrules, ...]. */
  static Map<String, List<String>> resourcesByGroup(Path root) {
    var found = new TreeMap<String, TreeSet<String>>();
    try (Stream<Path> sources = Files.walk(root.resolve("modules/translator/src/main/java"))) {
      for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = IMPORT.matcher(RepoFiles.read(source));
        while (m.find()) {
          found
              .computeIfAbsent(m.group(1) + ".istio.io", g -> new TreeSet<>())
              .add(plural(m.group(2)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var out = new TreeMap<String, List<String>>();
    found.forEach((group, resources) -> out.put(group, new ArrayList<>(resources)));
    return out;
  }

  /** Kubernetes' plural of a kind, as fabric8's Pluralize forms it for these names. */
  static String plural(String kind) {
    String k = kind.toLowerCase(Locale.ROOT);
    if (k.endsWith("y") && k.length() > 1 && "aeiou".indexOf(k.charAt(k.length() - 2)) < 0) {
      return k.substring(0, k.length() - 1) + "ies";
    }
    return k.endsWith("s") ? k + "es" : k + "s";
  }
}
