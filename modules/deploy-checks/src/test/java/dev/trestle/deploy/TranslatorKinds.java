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
 * The Kubernetes kinds the translators emit, so what the edge applies and its RBAC must allow. Two
 * sources, because either alone has missed kinds: the fabric8 Istio resource classes the translator
 * sources name (io.fabric8.istio.api.GROUP.VERSION.KIND, imported or fully qualified), and the
 * top-level apiVersion/kind of every object in the translator's golden files (which also holds
 * kinds built without a model class, such as EnvoyFilter and the rate-limit ConfigMap). A new kind
 * in a translator fails the RBAC test until the ClusterRole grants it.
 */
final class TranslatorKinds {
  private static final Pattern MODEL_CLASS =
      Pattern.compile(
          "io\\.fabric8\\.istio\\.api\\.(networking|security|extensions)\\.v\\w+\\.([A-Z]\\w+)");
  private static final Pattern API_VERSION = Pattern.compile("(?m)^apiVersion:\\s*(\\S+)\\s*$");
  private static final Pattern KIND = Pattern.compile("(?m)^kind:\\s*(\\w+)\\s*$");

  private TranslatorKinds() {}

  /**
   * API group ("" for the core group) -> plural resource names, e.g. networking.istio.io ->
   * [destinationrules, ...].
   */
  static Map<String, List<String>> resourcesByGroup(Path root) {
    var found = new TreeMap<String, TreeSet<String>>();
    for (Path source : files(root.resolve("modules/translator/src/main/java"), ".java")) {
      Matcher m = MODEL_CLASS.matcher(RepoFiles.read(source));
      while (m.find()) {
        add(found, m.group(1) + ".istio.io", m.group(2));
      }
    }
    for (Path golden :
        files(root.resolve("modules/translator/src/test/resources/golden"), ".yaml")) {
      for (String document : RepoFiles.read(golden).split("(?m)^---\\s*$")) {
        Matcher version = API_VERSION.matcher(document);
        Matcher kind = KIND.matcher(document);
        if (version.find() && kind.find()) {
          String apiVersion = version.group(1);
          int slash = apiVersion.indexOf('/');
          add(found, slash < 0 ? "" : apiVersion.substring(0, slash), kind.group(1));
        }
      }
    }
    var out = new TreeMap<String, List<String>>();
    found.forEach((group, resources) -> out.put(group, new ArrayList<>(resources)));
    return out;
  }

  private static void add(Map<String, TreeSet<String>> found, String group, String kind) {
    found.computeIfAbsent(group, g -> new TreeSet<>()).add(plural(kind));
  }

  private static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
