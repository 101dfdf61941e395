package dev.trestle.translator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The structural checks the Kubernetes API server applies to any namespaced object before its
 * schema: {@code apiVersion} as {@code group/version}, a {@code kind}, a name and namespace that
 * are DNS-1123 labels, label and annotation keys that are qualified names, label values of at most
 * 63 characters, annotations within 256 KiB and the whole object within etcd's 1.5 MiB. The edge
 * can run it before applying; the translator's tests run it on everything emitted.
 */
public final class KubernetesValidation {
  private static final Pattern API_VERSION =
      Pattern.compile(
          "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/v[0-9]+((alpha|beta)[0-9]+)?");
  private static final Pattern KIND = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final int MAX_ANNOTATION_BYTES = 256 * 1024;
  private static final int MAX_OBJECT_BYTES = 1536 * 1024;

  private KubernetesValidation() {}

  /** Every problem found, empty when the object would pass. */
  public static List<String> problems(DesiredObject object) {
    var out = problems(object.tree());
    if (object.json().getBytes(StandardCharsets.UTF_8).length > MAX_OBJECT_BYTES) {
      out.add("object is larger than " + MAX_OBJECT_BYTES + " bytes");
    }
    return out;
  }

  public static List<String> problems(JsonNode object) {
    var out = new ArrayList<String>();
    String apiVersion = object.path("apiVersion").asText("");
    boolean configMap = isConfigMap(object);
    if (!configMap && !API_VERSION.matcher(apiVersion).matches()) {
      out.add("apiVersion '" + apiVersion + "' is not group/version");
    }
    String kind = object.path("kind").asText("");
    if (!KIND.matcher(kind).matches()) {
      out.add("kind '" + kind + "' is missing or not a CamelCase name");
    }
    JsonNode meta = object.path("metadata");
    if (!meta.isObject()) {
      out.add("metadata is missing");
      return out;
    }
    String name = meta.path("name").asText("");
    if (!ObjectNames.isDnsLabel(name)) {
      out.add("metadata.name '" + name + "' is not a DNS-1123 label (a-z, 0-9, '-', at most 63)");
    }
    String namespace = meta.path("namespace").asText("");
    if (!ObjectNames.isDnsLabel(namespace)) {
      out.add("metadata.namespace '" + namespace + "' is not a DNS-1123 label");
    }
    JsonNode labels = meta.path("labels");
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      var e = it.next();
      keyProblem("label", e.getKey(), out);
      String value = e.getValue().asText("");
      if (!e.getValue().isTextual()
          || value.length() > 63
          || !(value.isEmpty() || QUALIFIED_NAME.matcher(value).matches())) {
        out.add("label " + e.getKey() + " has an invalid value '" + value + "'");
      }
    }
    int annotationBytes = 0;
    JsonNode annotations = meta.path("annotations");
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      var e = it.next();
      keyProblem("annotation", e.getKey(), out);
      if (!e.getValue().isTextual()) {
        out.add("annotation " + e.getKey() + " is not a string");
      }
      annotationBytes +=
          e.getKey().length() + e.getValue().asText("").getBytes(StandardCharsets.UTF_8).length;
    }
    if (annotationBytes > MAX_ANNOTATION_BYTES) {
      out.add(
          "annotations total " + annotationBytes + " bytes; the limit is " + MAX_ANNOTATION_BYTES);
    }
    if (configMap) {
      if (!object.path("data").isObject()) {
        out.add("data is missing");
      }
    } else if (!object.path("spec").isObject()) {
      out.add("spec is missing");
    }
    return out;
  }

  /** The one core kind emitted (a rate-limit service's configuration): {@code v1 ConfigMap}. */
  private static boolean isConfigMap(JsonNode object) {
    return object.path("apiVersion").asText("").equals("v1")
        && object.path("kind").asText("").equals("ConfigMap");
  }

  private static void keyProblem(String what, String key, List<String> out) {
    String prefix = "";
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        out.add(what + " key '" + key + "' has an invalid prefix");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
      out.add(what + " key '" + key + "' is not a qualified name");
    }
  }
}
