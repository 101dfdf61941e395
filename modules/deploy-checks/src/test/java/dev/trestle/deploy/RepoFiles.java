package dev.trestle.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository's files as the checks see them: its root, docker/, and YAML documents in them. */
final class RepoFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RepoFiles() {}

  /**
   * The repository root: from surefire's trestle.repoRoot, else the nearest parent with docker/.
   */
  static Path root() {
    String configured = System.getProperty("trestle.repoRoot");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/Dockerfile"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (no docker/Dockerfile above "
            + Path.of("").toAbsolutePath()
            + ")");
  }

  static Path docker() {
    return root().resolve("docker");
  }

  /** Every *.yaml / *.yml file under {@code dir}, sorted. */
  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The documents of a YAML file (empty ones dropped), with anchors, aliases and merge keys
   * resolved as Docker Compose resolves them. Duplicate keys are an error, not a silent overwrite.
   */
  static List<JsonNode> documents(Path file) {
    var options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    var yaml = new Yaml(new SafeConstructor(options));
    var out = new ArrayList<JsonNode>();
    try (Reader reader = Files.newBufferedReader(file)) {
      for (Object doc : yaml.loadAll(reader)) {
        if (doc != null) {
          out.add(JSON.valueToTree(doc));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The one document of a single-document YAML file. */
  static JsonNode document(Path file) {
    List<JsonNode> docs = documents(file);
    if (docs.size() != 1) {
      throw new IllegalArgumentException(
          file + ": expected one YAML document, found " + docs.size());
    }
    return docs.get(0);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
