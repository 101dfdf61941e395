package dev.trestle.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.trestle.translator.KubernetesValidation;
import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.SetHash;
import dev.trestle.translator.schema.IstioSchemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks one object before anything is applied: its key is complete, its JSON parses and names the
 * same object, the content hash matches the JSON, the Kubernetes API server's structural rules
 * ({@link KubernetesValidation}) hold, and every regex an Istio VirtualService carries is RE2 —
 * Envoy compiles them with RE2, so a Java-only construct such as a lookahead {@code (?=...)} would
 * be rejected by Istio on the cluster even though it is a valid Java regex. Istio kinds must also
 * match the schema of their CRD and EnvoyFilter patches must parse as Envoy's messages ({@link
 * IstioSchemas}, via {@link EdgeSchemas}), as the cluster's API server and istiod would require.
 */
public final class ObjectValidator {
  static final int MAX_OBJECT_BYTES = 1536 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> MATCH_STRING_FIELDS =
      List.of("uri", "scheme", "method", "authority");
  private static final List<String> MATCH_MAP_FIELDS =
      List.of("headers", "queryParams", "withoutHeaders");

  private ObjectValidator() {}

  /** Every problem found, each as "{@code field: why}" or "{@code why}"; empty when fine. */
  public static List<String> problems(EdgeObject object) {
    var out = new ArrayList<String>();
    ObjectKey key = object.key();
    if (blank(key.apiVersion()) || blank(key.kind())) {
      out.add("key: apiVersion and kind must not be empty");
    }
    if (blank(key.namespace()) || blank(key.name())) {
      out.add("key: namespace and name must not be empty");
    }
    if (!SetHash.content(object.json()).equals(object.contentHash())) {
      out.add("content_hash '" + object.contentHash() + "' is not the SHA-256 of its JSON");
    }
    if (object.json().getBytes(StandardCharsets.UTF_8).length > MAX_OBJECT_BYTES) {
      out.add("object is larger than " + MAX_OBJECT_BYTES + " bytes");
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(object.json());
    } catch (JsonProcessingException e) {
      out.add("json: not JSON: " + e.getOriginalMessage());
      return out;
    }
    if (tree == null || !tree.isObject()) {
      out.add("json: not a JSON object");
      return out;
    }
    sameIdentity(key, tree, out);
    out.addAll(KubernetesValidation.problems(tree));
    EdgeSchemas.istio().violations(tree).forEach(v -> out.add(v.describe()));
    if ("VirtualService".equals(key.kind())) {
      virtualServiceRegexes(tree.path("spec"), out);
    }
    return out;
  }

  private static void sameIdentity(ObjectKey key, JsonNode tree, List<String> out) {
    check("apiVersion", key.apiVersion(), tree.path("apiVersion").asText(""), out);
    check("kind", key.kind(), tree.path("kind").asText(""), out);
    check(
        "metadata.namespace",
        key.namespace(),
        tree.path("metadata").path("namespace").asText(""),
        out);
    check("metadata.name", key.name(), tree.path("metadata").path("name").asText(""), out);
  }

  private static void check(String field, String expected, String actual, List<String> out) {
    if (!expected.equals(actual)) {
      out.add(field + ": '" + actual + "' differs from the object key's '" + expected + "'");
    }
  }

  /** spec.http[].match[] string matches, and spec.http[].corsPolicy.allowOrigins[]. */
  static void virtualServiceRegexes(JsonNode spec, List<String> out) {
    JsonNode http = spec.path("http");
    for (int i = 0; i < http.size(); i++) {
      String route = "spec.http[" + i + "]";
      JsonNode matches = http.get(i).path("match");
      for (int j = 0; j < matches.size(); j++) {
        String at = route + ".match[" + j + "]";
        JsonNode match = matches.get(j);
        for (String field : MATCH_STRING_FIELDS) {
          regex(at + "." + field + ".regex", match.path(field).path("regex"), out);
        }
        for (String field : MATCH_MAP_FIELDS) {
          for (Iterator<Map.Entry<String, JsonNode>> it = match.path(field).fields();
              it.hasNext(); ) {
            var e = it.next();
            regex(at + "." + field + "." + e.getKey() + ".regex", e.getValue().path("regex"), out);
          }
        }
      }
      JsonNode origins = http.get(i).path("corsPolicy").path("allowOrigins");
      for (int j = 0; j < origins.size(); j++) {
        regex(
            route + ".corsPolicy.allowOrigins[" + j + "].regex", origins.get(j).path("regex"), out);
      }
    }
  }

  private static void regex(String field, JsonNode value, List<String> out) {
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    if (!value.isTextual()) {
      out.add(field + ": not a string");
      return;
    }
    String text = value.asText();
    try {
      Pattern.compile(text);
    } catch (PatternSyntaxException e) {
      out.add(
          field
              + ": '"
              + text
              + "' is not an RE2 regex, which Envoy requires ("
              + e.getDescription()
              + ")");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
