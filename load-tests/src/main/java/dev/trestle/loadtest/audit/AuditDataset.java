package dev.trestle.loadtest.audit;

import dev.trestle.protocol.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The world the generated audit rows describe, fixed by a seed: a resource tree of organizations,
 * tenants, workspaces, groups (traffic, security, gateway) with their routes and settings, plus
 * clusters; fifty principals (people, CI pipelines, controllers) with a skewed share of the
 * changes; and the weight of each kind among changes.
 */
final class AuditDataset {

  /** One resource of the tree. {@code service} is "namespace/name" for service-scoped kinds. */
  record Resource(Kind kind, String fqn, String parentFqn, String service, int children) {}

  private static final String[] ORGS = {"acme", "globex", "initech", "umbrella", "hooli", "stark"};
  private static final double[] ORG_WEIGHTS = {30, 22, 16, 14, 10, 8};
  private static final String[] TENANTS = {
    "payments", "checkout", "identity", "search", "logistics", "media", "ads", "data-platform"
  };
  private static final String[] WORKSPACES = {"prod-eu", "prod-us", "staging", "dev"};
  private static final String[] SERVICES = {
    "cart",
    "orders",
    "ledger",
    "fraud",
    "catalog",
    "pricing",
    "inventory",
    "shipping",
    "auth",
    "sessions",
    "profile",
    "notifications",
    "recommendations",
    "reviews",
    "invoices",
    "refunds",
    "gateway-bff",
    "search-api",
    "indexer",
    "media-transcoder"
  };
  private static final String[] REGIONS = {
    "eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1"
  };

  /** Share of each kind among changes: leaf config changes dominate, parents change rarely. */
  static final Map<Kind, Double> KIND_WEIGHTS = new EnumMap<>(Kind.class);

  static {
    KIND_WEIGHTS.put(Kind.SERVICE_ROUTE, 40.0);
    KIND_WEIGHTS.put(Kind.TRAFFIC_SETTING, 18.0);
    KIND_WEIGHTS.put(Kind.SECURITY_SETTING, 10.0);
    KIND_WEIGHTS.put(Kind.INGRESS_GATEWAY, 9.0);
    KIND_WEIGHTS.put(Kind.CLUSTER, 8.0);
    KIND_WEIGHTS.put(Kind.GROUP, 6.0);
    KIND_WEIGHTS.put(Kind.WORKSPACE, 4.0);
    KIND_WEIGHTS.put(Kind.TENANT, 3.0);
    KIND_WEIGHTS.put(Kind.ORGANIZATION, 2.0);
  }

  private final Map<Kind, List<Resource>> byKind;
  private final List<String> principals;
  private final double[] principalCdf;

  private AuditDataset(
      Map<Kind, List<Resource>> byKind, List<String> principals, double[] principalCdf) {
    this.byKind = byKind;
    this.principals = principals;
    this.principalCdf = principalCdf;
  }

  static AuditDataset generate(long seed) {
    var rnd = new SplittableRandom(seed);
    Map<Kind, List<Resource>> byKind = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      byKind.put(k, new ArrayList<>());
    }
    for (String org : ORGS) {
      String orgFqn = "organizations/" + org;
      int tenantCount = 3 + rnd.nextInt(4);
      int clusterCount = 4 + rnd.nextInt(7);
      add(byKind, Kind.ORGANIZATION, orgFqn, "", null, tenantCount + clusterCount);
      for (int c = 0; c < clusterCount; c++) {
        String region = REGIONS[c % REGIONS.length];
        String name =
            region
                + "-"
                + (char) ('a' + c / REGIONS.length)
                + "-"
                + (c % 2 == 0 ? "prod" : "stage");
        add(byKind, Kind.CLUSTER, orgFqn + "/clusters/" + name, orgFqn, null, 0);
      }
      List<String> tenants = pick(rnd, TENANTS, tenantCount);
      for (String tenant : tenants) {
        String tenantFqn = orgFqn + "/tenants/" + tenant;
        int wsCount = 2 + rnd.nextInt(3);
        add(byKind, Kind.TENANT, tenantFqn, orgFqn, null, wsCount);
        for (String ws : pick(rnd, WORKSPACES, wsCount)) {
          String wsFqn = tenantFqn + "/workspaces/" + ws;
          add(byKind, Kind.WORKSPACE, wsFqn, tenantFqn, null, 3);
          String ns = tenant;
          // traffic group: one route per service, a few traffic settings
          String traffic = wsFqn + "/groups/traffic";
          List<String> services = pick(rnd, SERVICES, 5 + rnd.nextInt(11));
          int trafficSettings = 1 + rnd.nextInt(3);
          add(byKind, Kind.GROUP, traffic, wsFqn, null, services.size() + trafficSettings);
          for (String svc : services) {
            add(
                byKind,
                Kind.SERVICE_ROUTE,
                traffic + "/serviceroutes/" + svc,
                traffic,
                ns + "/" + svc,
                0);
          }
          for (int i = 0; i < trafficSettings; i++) {
            String name = i == 0 ? "defaults" : services.get(i % services.size()) + "-tuning";
            String svc = i == 0 ? "" : ns + "/" + services.get(i % services.size());
            add(
                byKind,
                Kind.TRAFFIC_SETTING,
                traffic + "/trafficsettings/" + name,
                traffic,
                svc,
                0);
          }
          String security = wsFqn + "/groups/security";
          int securitySettings = 1 + rnd.nextInt(3);
          add(byKind, Kind.GROUP, security, wsFqn, null, securitySettings);
          for (int i = 0; i < securitySettings; i++) {
            String name = i == 0 ? "baseline" : services.get(i % services.size()) + "-authz";
            String svc = i == 0 ? "" : ns + "/" + services.get(i % services.size());
            add(
                byKind,
                Kind.SECURITY_SETTING,
                security + "/securitysettings/" + name,
                security,
                svc,
                0);
          }
          String edge = wsFqn + "/groups/edge";
          int gateways = 1 + rnd.nextInt(2);
          add(byKind, Kind.GROUP, edge, wsFqn, null, gateways);
          for (int i = 0; i < gateways; i++) {
            add(
                byKind,
                Kind.INGRESS_GATEWAY,
                edge + "/ingressgateways/" + (i == 0 ? "public" : "partner"),
                edge,
                null,
                0);
          }
        }
      }
    }
    // Hot resources are not all in the first organization: shuffle, then pick with a skew.
    for (List<Resource> list : byKind.values()) {
      Collections.shuffle(list, new java.util.Random(rnd.nextLong()));
    }
    List<String> principals = principals(rnd);
    double[] cdf = new double[principals.size()];
    double sum = 0;
    for (int i = 0; i < cdf.length; i++) {
      sum += 1.0 / (i + 1); // Zipf, s = 1: the top automation accounts make most changes
      cdf[i] = sum;
    }
    for (int i = 0; i < cdf.length; i++) {
      cdf[i] /= sum;
    }
    return new AuditDataset(byKind, principals, cdf);
  }

  private static List<String> principals(SplittableRandom rnd) {
    var automation =
        List.of(
            "svc:flagger",
            "svc:argocd",
            "ci:github-actions/payments-deploy",
            "svc:terraform-cloud",
            "ci:github-actions/checkout-deploy",
            "ci:gitlab/platform-mesh",
            "svc:trestle-operator",
            "ci:github-actions/identity-deploy",
            "ci:jenkins/search-release",
            "ci:github-actions/media-deploy",
            "svc:cert-rotator",
            "ci:gitlab/logistics");
    String[] first = {
      "alice", "bob", "carol", "dmitri", "elena", "farid", "grace", "hiro", "ines", "jamal", "kim",
      "lucia", "mateo", "nadia", "oskar", "priya", "quinn", "rosa", "sven", "tariq", "uma",
          "viktor",
      "wen", "ximena", "yusuf", "zoe", "amir", "beatriz", "chen", "dagny", "emeka", "fatima",
          "goran",
      "hana", "ivan", "jun", "kofi", "lena"
    };
    String[] last = {
      "nguyen",
      "garcia",
      "smith",
      "kowalski",
      "okafor",
      "tanaka",
      "muller",
      "rossi",
      "haddad",
      "larsen"
    };
    var people = new ArrayList<String>();
    for (String f : first) {
      people.add(f + "." + last[rnd.nextInt(last.length)] + "@example.com");
    }
    // Ranks: a few pipelines and controllers on top, people mixed in below.
    var ranked = new ArrayList<String>();
    ranked.addAll(automation.subList(0, 4));
    ranked.addAll(people.subList(0, 4));
    ranked.addAll(automation.subList(4, automation.size()));
    ranked.addAll(people.subList(4, people.size()));
    return List.copyOf(ranked);
  }

  private static void add(
      Map<Kind, List<Resource>> byKind,
      Kind kind,
      String fqn,
      String parent,
      String service,
      int children) {
    byKind.get(kind).add(new Resource(kind, fqn, parent, service, children));
  }

  private static List<String> pick(SplittableRandom rnd, String[] from, int n) {
    var list = new ArrayList<>(List.of(from));
    Collections.shuffle(list, new java.util.Random(rnd.nextLong()));
    return List.copyOf(list.subList(0, Math.min(n, list.size())));
  }

  List<String> principals() {
    return principals;
  }

  String principal(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    for (int i = 0; i < principalCdf.length; i++) {
      if (u <= principalCdf[i]) {
        return principals.get(i);
      }
    }
    return principals.get(principals.size() - 1);
  }

  private static final Kind[] KINDS = KIND_WEIGHTS.keySet().toArray(new Kind[0]);
  private static final double[] KIND_CDF = kindCdf();

  private static double[] kindCdf() {
    double total = KIND_WEIGHTS.values().stream().mapToDouble(Double::doubleValue).sum();
    double[] cdf = new double[KINDS.length];
    double sum = 0;
    for (int i = 0; i < KINDS.length; i++) {
      sum += KIND_WEIGHTS.get(KINDS[i]) / total;
      cdf[i] = sum;
    }
    return cdf;
  }

  Kind kind(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    for (int i = 0; i < KIND_CDF.length; i++) {
      if (u <= KIND_CDF[i]) {
        return KINDS[i];
      }
    }
    return KINDS[KINDS.length - 1];
  }

  /** A resource of the kind: organization by weight, then a skew towards "hot" resources. */
  Resource resource(Kind kind, SplittableRandom rnd) {
    List<Resource> all = byKind.get(kind);
    String org = "organizations/" + ORGS[weighted(ORG_WEIGHTS, rnd)];
    // skewed index: u^2 makes the first (after the shuffle, arbitrary) resources hotter
    for (int attempt = 0; attempt < 8; attempt++) {
      Resource r = all.get((int) (all.size() * Math.pow(rnd.nextDouble(), 2)));
      if (r.fqn().equals(org) || r.fqn().startsWith(org + "/")) {
        return r;
      }
    }
    return all.get(rnd.nextInt(all.size()));
  }

  List<Resource> resources(Kind kind) {
    return byKind.get(kind);
  }

  int resourceCount() {
    return byKind.values().stream().mapToInt(List::size).sum();
  }

  private static int weighted(double[] weights, SplittableRandom rnd) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = rnd.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u <= 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
