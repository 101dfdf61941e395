package dev.trestle.loadtest.audit;

import dev.trestle.protocol.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The field changes the audit rows' updates record, per kind: realistic paths with before and after
 * values (weights of a canary step keep summing to 100).
 */
final class FieldChanges {
  private static final Map<Kind, List<ChangeMaker>> CHANGE_MAKERS = changeMakers();

  private FieldChanges() {}

  /** One to three distinct field changes of a resource of {@code kind}, drawn from {@code rnd}. */
  static List<Change> pick(Kind kind, SplittableRandom rnd) {
    List<ChangeMaker> makers = CHANGE_MAKERS.get(kind);
    int wanted = rnd.nextDouble() < 0.6 ? 1 : rnd.nextDouble() < 0.62 ? 2 : 3;
    var out = new ArrayList<Change>();
    var used = new LinkedHashSet<Integer>();
    for (int attempt = 0; attempt < 6 && out.size() < wanted; attempt++) {
      int idx = rnd.nextInt(makers.size());
      if (used.add(idx)) {
        makers.get(idx).add(rnd, out);
      }
    }
    return out;
  }

  record Change(String path, String before, String after) {}

  @FunctionalInterface
  interface ChangeMaker {
    void add(SplittableRandom rnd, List<Change> out);
  }

  private static ChangeMaker ints(String path, int lo, int hi) {
    return (rnd, out) -> {
      int a = lo + rnd.nextInt(hi - lo + 1);
      int b = a == hi ? a - 1 : a + 1 + rnd.nextInt(hi - a);
      out.add(new Change(path, Integer.toString(a), Integer.toString(b)));
    };
  }

  private static ChangeMaker strings(String path, String... values) {
    return (rnd, out) -> {
      int a = rnd.nextInt(values.length);
      int b = (a + 1 + rnd.nextInt(values.length - 1)) % values.length;
      out.add(new Change(path, "\"" + values[a] + "\"", "\"" + values[b] + "\""));
    };
  }

  /** A canary step: two weights that keep summing to 100. */
  private static ChangeMaker weightPair(String first, String second) {
    return (rnd, out) -> {
      int a = 5 * rnd.nextInt(21);
      int b = Math.max(0, Math.min(100, a + (rnd.nextBoolean() ? 10 : -10)));
      if (a == b) {
        b = a == 0 ? 10 : a - 10;
      }
      out.add(new Change(first, Integer.toString(100 - a), Integer.toString(100 - b)));
      out.add(new Change(second, Integer.toString(a), Integer.toString(b)));
    };
  }

  private static Map<Kind, List<ChangeMaker>> changeMakers() {
    Map<Kind, List<ChangeMaker>> m = new EnumMap<>(Kind.class);
    String[] durations = {"250ms", "500ms", "1s", "2s", "3s", "5s", "10s", "30s"};
    m.put(
        Kind.SERVICE_ROUTE,
        List.of(
            weightPair("spec.subsets[0].weight", "spec.subsets[1].weight"),
            weightPair("spec.subsets[0].weight", "spec.subsets[1].weight"),
            weightPair("spec.subsets[0].weight", "spec.subsets[1].weight"),
            weightPair(
                "spec.httpRoutes[1].destinations[0].weight",
                "spec.httpRoutes[1].destinations[1].weight"),
            strings("spec.httpRoutes[0].timeout", durations),
            ints("spec.httpRoutes[0].retries.attempts", 1, 5),
            strings("spec.subsets[1].labels.version", "v41", "v42", "v43", "v44", "v45"),
            strings("spec.httpRoutes[0].match[0].headers.x-canary.exact", "true", "always", "beta"),
            strings("spec.ports[0].protocol", "HTTP", "HTTP2", "GRPC"),
            strings("metadata.labels.owner", "team-a", "team-b", "sre")));
    m.put(
        Kind.TRAFFIC_SETTING,
        List.of(
            strings("spec.timeout", durations),
            ints("spec.retries.attempts", 1, 5),
            strings("spec.retries.perTryTimeout", durations),
            ints("spec.outlierDetection.consecutive5xxErrors", 3, 10),
            strings("spec.outlierDetection.baseEjectionTime", "30s", "1m", "2m", "5m"),
            ints("spec.connectionPool.maxConnections", 100, 2000),
            ints("spec.connectionPool.http2MaxRequests", 100, 5000),
            strings("spec.loadBalancer", "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM")));
    m.put(
        Kind.SECURITY_SETTING,
        List.of(
            strings("spec.mtlsMode", "STRICT", "PERMISSIVE"),
            strings(
                "spec.allow[0].fromWorkspaces[1]",
                "organizations/acme/tenants/checkout/workspaces/prod-eu",
                "organizations/acme/tenants/identity/workspaces/prod-eu",
                "organizations/globex/tenants/search/workspaces/prod-us"),
            strings("spec.allow[1].paths[0]", "/api/v1/*", "/api/v2/*", "/healthz", "/admin/*"),
            strings("spec.allow[0].methods[1]", "GET", "POST", "PUT", "DELETE"),
            strings(
                "spec.allow[2].fromPrincipals[0]",
                "cluster.local/ns/payments/sa/ledger",
                "cluster.local/ns/checkout/sa/cart",
                "cluster.local/ns/identity/sa/auth")));
    m.put(
        Kind.INGRESS_GATEWAY,
        List.of(
            strings(
                "spec.servers[0].hosts[1]",
                "api.example.com",
                "shop.example.com",
                "partners.example.com"),
            strings(
                "spec.servers[0].tls.credentialName",
                "wildcard-example-com-2025",
                "wildcard-example-com-2026"),
            strings("spec.routes[2].timeout", durations),
            strings("spec.routes[0].subset", "v1", "v2", "canary"),
            strings("spec.servers[1].tls.minProtocolVersion", "TLSV1_2", "TLSV1_3")));
    m.put(
        Kind.CLUSTER,
        List.of(
            strings("spec.network", "net-1", "net-2", "net-east", "net-west"),
            strings("spec.locality.zone", "a", "b", "c"),
            strings("metadata.labels.env", "prod", "stage", "dev"),
            strings("spec.trustDomain", "cluster.local", "mesh.example.com")));
    m.put(
        Kind.GROUP,
        List.of(
            strings("spec.namespaceSelectors[1]", "*/payments", "prod-eu-1/checkout", "*/identity"),
            strings("spec.displayName", "Traffic", "Traffic (EU)", "Security baseline", "Edge"),
            strings("metadata.labels.team", "platform", "payments", "sre")));
    m.put(
        Kind.WORKSPACE,
        List.of(
            strings(
                "spec.namespaceSelectors[0]",
                "*/payments",
                "eu-west-1-a-prod/payments",
                "*/checkout"),
            strings("spec.namespaceSelectors[2]", "*/ledger", "*/fraud", "us-east-1-a-prod/*"),
            strings("spec.displayName", "Production EU", "Production US", "Staging", "Development"),
            strings("metadata.description", "customer-facing", "internal tools", "batch jobs")));
    m.put(
        Kind.TENANT,
        List.of(
            strings("spec.displayName", "Payments", "Payments EU", "Checkout", "Identity"),
            strings("spec.securityDomain", "cluster.local", "payments.mesh.example.com"),
            strings("metadata.labels.cost-center", "cc-1001", "cc-2040", "cc-3100")));
    m.put(
        Kind.ORGANIZATION,
        List.of(
            strings("spec.displayName", "ACME Corp", "ACME Corporation", "Globex", "Initech"),
            strings("metadata.labels.billing-account", "ba-0042", "ba-0077", "ba-0133")));
    return m;
  }
}
