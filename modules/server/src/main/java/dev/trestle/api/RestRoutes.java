package dev.trestle.api;

/**
 * The route a REST path takes ({@link ResourceRoutes}, {@link AuditRoutes}, {@link ClusterRoutes}),
 * as a template without resource names (for metrics: one label value per route, never per
 * resource).
 */
public final class RestRoutes {
  private static final String PREFIX = "/api/v1";

  private RestRoutes() {}

  /**
   * {@code /api/v1/organizations/acme} → {@code /api/v1/{resource}}; unknown paths → {@code other}.
   */
  public static String template(String path) {
    if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
      return "other";
    }
    String rest = path.substring(PREFIX.length()).replaceAll("^/+|/+$", "");
    if (rest.isEmpty()) {
      return PREFIX;
    }
    switch (rest) {
      case "apply",
          "audit",
          "clusters",
          "istio-versions",
          "services",
          "join-tokens",
          "resource-counts",
          "gitops",
          "rollouts" -> {
        return PREFIX + "/" + rest;
      }
      default -> {}
    }
    if (rest.equals("telemetry/top") || rest.equals("telemetry/topology")) {
      return PREFIX + "/" + rest;
    }
    if (rest.startsWith("telemetry/services/")) {
      return PREFIX + "/telemetry/services/{service}";
    }
    if (rest.startsWith("status/")) {
      return PREFIX + "/status/{fqn}";
    }
    if (rest.startsWith("gitops/")) {
      return rest.endsWith("/sync") && rest.split("/").length % 2 == 0
          ? PREFIX + "/gitops/{source}/sync"
          : PREFIX + "/gitops/{source}";
    }
    if (rest.startsWith("rollouts/")) {
      return PREFIX + "/rollouts/{rollout}";
    }
    if (rest.startsWith("history/")) {
      return PREFIX + "/history/{fqn}";
    }
    return rest.split("/").length % 2 == 0 ? PREFIX + "/{resource}" : PREFIX + "/{collection}";
  }
}
