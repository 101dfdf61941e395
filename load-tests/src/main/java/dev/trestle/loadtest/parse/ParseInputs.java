package dev.trestle.loadtest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Generated inputs of a given size for {@link ParseScenario}: ServiceRoutes as users write them.
 */
final class ParseInputs {
  private ParseInputs() {}

  /** Many ServiceRoute documents separated by {@code ---}, about {@code bytes} long. */
  static String manyDocuments(int bytes) {
    var sb = new StringBuilder();
    for (int i = 0; sb.length() < bytes; i++) {
      if (i > 0) {
        sb.append("---\n");
      }
      sb.append(route(i, 2));
    }
    return sb.toString();
  }

  /** One ServiceRoute with as many HTTP routes as fit in about {@code bytes}. */
  static String oneLongDocument(int bytes) {
    var sb = new StringBuilder(header(0));
    sb.append("  subsets:\n");
    sb.append("  - {name: v1, labels: {version: v1}, weight: 50}\n");
    sb.append("  - {name: v2, labels: {version: v2}, weight: 50}\n");
    sb.append("  httpRoutes:\n");
    for (int i = 0; sb.length() < bytes; i++) {
      httpRoute(sb, i);
    }
    return sb.toString();
  }

  /** The same documents as one JSON array. */
  static String asJson(String yaml) {
    try {
      var mapper = new YAMLMapper();
      ArrayNode array = new ObjectMapper().createArrayNode();
      for (var it = mapper.readerFor(JsonNode.class).readValues(yaml); it.hasNext(); ) {
        array.add((JsonNode) it.next());
      }
      return new ObjectMapper().writeValueAsString(array);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String route(int i, int httpRoutes) {
    var sb = new StringBuilder(header(i));
    sb.append("  subsets:\n");
    sb.append("  - name: v1\n    labels: {version: v1}\n    weight: 90\n");
    sb.append("  - name: v2\n    labels: {version: v2}\n    weight: 10\n");
    sb.append("  httpRoutes:\n");
    for (int r = 0; r < httpRoutes; r++) {
      httpRoute(sb, r);
    }
    sb.append("  ports:\n  - port: 8080\n    protocol: HTTP\n");
    return sb.toString();
  }

  private static String header(int i) {
    return "apiVersion: trestle.dev/v1\n"
        + "kind: ServiceRoute\n"
        + "metadata:\n"
        + "  name: route-"
        + i
        + "\n  organization: acme\n  tenant: payments\n  workspace: checkout\n"
        + "  group: checkout-traffic\n"
        + "  labels: {team: payments, rollout: canary}\n"
        + "  description: \"Cart service route number "
        + i
        + ", canary rollout\"\n"
        + "spec:\n"
        + "  service: checkout/cart-"
        + i
        + "\n";
  }

  private static void httpRoute(StringBuilder sb, int r) {
    sb.append("  - name: r")
        .append(r)
        .append("\n    match:\n    - uri: {prefix: /api/v")
        .append(r)
        .append("}\n      headers:\n        x-canary: {exact: \"true\"}\n")
        .append("      method: GET\n")
        .append(
            "    destinations:\n    - {subset: v1, weight: 90}\n    - {subset: v2, weight: 10}\n")
        .append(
            "    timeout: 2s\n    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: [5xx]}\n");
  }
}
