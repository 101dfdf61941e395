package dev.trestle.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Reading what the CLI prints ({@code -o json}, {@code -o yaml}) and listing through it. */
final class Documents {
  /** Every kind's collection name, parents before children. */
  static final List<String> COLLECTIONS =
      List.of(
          "organizations",
          "clusters",
          "tenants",
          "workspaces",
          "groups",
          "serviceroutes",
          "trafficsettings",
          "securitysettings",
          "ingressgateways",
          "egressgateways",
          "apidefinitions",
          "gitsources",
          "revisionrollouts",
          "wasmextensions");

  static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private Documents() {}

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + e.getMessage() + "\n" + text, e);
    }
  }

  static List<JsonNode> yaml(String text) {
    try (var parser = YAML.createParser(text)) {
      var docs = new ArrayList<JsonNode>();
      YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
      return docs;
    } catch (IOException e) {
      throw new AssertionError("not YAML: " + e.getMessage() + "\n" + text, e);
    }
  }

  static String fqn(JsonNode doc) {
    return doc.path("metadata").path("fqn").asText();
  }

  static long version(JsonNode doc) {
    return doc.path("metadata").path("version").asLong(-1);
  }

  static ObjectNode copy(JsonNode doc) {
    return (ObjectNode) doc.deepCopy();
  }

  static Path writeJson(Path file, JsonNode doc) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code trestle get <kind> -o <format>} for every kind, two CLI processes at a time; each must
   * succeed. Keyed by collection name, in {@link #COLLECTIONS} order.
   */
  static Map<String, CliResult> getEveryKind(Cli cli, String format) {
    var pool = Executors.newFixedThreadPool(2);
    try {
      var futures = new LinkedHashMap<String, Future<CliResult>>();
      for (String kind : COLLECTIONS) {
        futures.put(kind, pool.submit(() -> cli.run("get", kind, "-o", format)));
      }
      var results = new LinkedHashMap<String, CliResult>();
      for (var e : futures.entrySet()) {
        CliResult r = e.getValue().get();
        if (r.exitCode() != 0) {
          throw new AssertionError("listing failed:\n" + r);
        }
        results.put(e.getKey(), r);
      }
      return results;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** FQN to version of every resource, as {@code trestle get <kind> -o json} lists them. */
  static SortedMap<String, Long> versionsViaCli(Cli cli) {
    var versions = new TreeMap<String, Long>();
    for (CliResult r : getEveryKind(cli, "json").values()) {
      JsonNode docs = json(r.stdout());
      if (!docs.isArray()) {
        throw new AssertionError("-o json of a listing is not an array:\n" + r);
      }
      for (JsonNode doc : docs) {
        if (versions.put(fqn(doc), version(doc)) != null) {
          throw new AssertionError(fqn(doc) + " listed twice:\n" + r);
        }
      }
    }
    return versions;
  }
}
