package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.translator.MeshCatalog.Cluster;
import dev.trestle.translator.MeshCatalog.Gateway;
import dev.trestle.translator.MeshCatalog.Port;
import dev.trestle.translator.MeshCatalog.Reachability;
import dev.trestle.translator.MeshCatalog.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-cluster routes: ServiceEntries at the remote east-west gateways and the host's
 * DestinationRule, from a fixed catalog of the three acme clusters. The golden files hold only what
 * the catalog adds to or changes in the plain translation (review them after regenerating with
 * -Dtrestle.golden.update=true).
 */
class CrossClusterTest {
  static final Port HTTP = new Port("http", 8080, "HTTP");
  static final Port GRPC = new Port("grpc", 9090, "GRPC");

  static Service svc(String key, int healthy, Port... ports) {
    String[] p = key.split("/");
    return new Service(p[0], p[1], List.of(ports), Math.max(healthy, 2), healthy);
  }

  /**
   * The acme clusters: two EU zones on eu-net, the US on us-net; us-east-1a's cart has no healthy
   * endpoints.
   */
  static List<Cluster> acmeCatalog() {
    return List.of(
        new Cluster(
            "eu-west-1a",
            "eu-net",
            "eu-west-1",
            "eu-west-1a",
            true,
            new Gateway("10.1.0.10", 15443),
            List.of(
                svc("checkout/cart", 3, HTTP),
                svc("checkout/checkout-api", 2, HTTP, GRPC),
                svc("inventory/stock-api", 4, HTTP),
                svc("ledger/ledger-api", 2, GRPC))),
        new Cluster(
            "eu-west-1b",
            "eu-net",
            "eu-west-1",
            "eu-west-1b",
            true,
            new Gateway("10.2.0.10", 15443),
            List.of(
                svc("checkout/cart", 2, HTTP),
                svc("monitoring/grafana", 1, new Port("", 3000, "http")),
                svc("storefront/web", 3, HTTP))),
        new Cluster(
            "us-east-1a",
            "us-net",
            "us-east-1",
            "us-east-1a",
            true,
            new Gateway("198.51.100.7", 15443),
            List.of(
                svc("checkout/cart", 0, HTTP),
                svc("checkout/checkout-api", 5, HTTP, GRPC),
                svc("inventory/stock-api", 1, HTTP),
                svc("storefront/web", 2, HTTP))));
  }

  static Cluster named(List<Cluster> all, String name) {
    return all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static DesiredObjects translate(
      ConfigSnapshot snapshot, String cluster, List<Cluster> catalog, Reachability r) {
    Cluster self = named(catalog, cluster);
    ClusterView view = Fixtures.acmeView(snapshot, cluster).withServices(self.services());
    var remote = MeshCatalog.remoteServices(self, view.namespaces(), catalog, r);
    var out = IstioTranslator.translate(snapshot, view, remote);
    assertThat(IstioAnalysis.problems(out, view)).as("istioctl-analyze-style checks").isEmpty();
    IstioSchemaCheck.assertAdmitted(out);
    return out;
  }

  static Iterable<String> clusters() {
    return Fixtures.acmeClusters();
  }

  @ParameterizedTest
  @MethodSource("clusters")
  void crossClusterObjectsMatchTheGoldenFile(String cluster) throws IOException {
    var snapshot = Fixtures.acme();
    var plain = IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, cluster));
    var full = translate(snapshot, cluster, acmeCatalog(), Reachability.ALL);
    var delta = full.diff(plain);
    assertThat(delta.deletes()).as("cross-cluster routes only add or change objects").isEmpty();
    var sb = new StringBuilder();
    sb.append("# Cross-cluster objects for ")
        .append(cluster)
        .append(": what CrossClusterTest.acmeCatalog() adds to or changes in golden/")
        .append(cluster)
        .append(".yaml.\n# Regenerate with -Dtrestle.golden.update=true.\n");
    sb.append("# set hash: ").append(full.setHash()).append('\n');
    for (DesiredObject o : delta.upserts()) {
      sb.append("---\n").append(o.yaml());
    }
    Path golden = Fixtures.GOLDEN.resolve("multicluster").resolve(cluster + ".yaml");
    if (Boolean.getBoolean("trestle.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, sb.toString());
      return;
    }
    if (!Files.exists(golden)) {
      fail(golden + " is missing; create it with -Dtrestle.golden.update=true and review it");
    }
    assertThat(sb.toString()).isEqualTo(Files.readString(golden));
  }

  /** The cross-cluster ServiceEntries (MESH_INTERNAL; egress adds MESH_EXTERNAL ones). */
  private static List<DesiredObject> serviceEntries(DesiredObjects out) {
    return out.objects().stream()
        .filter(o -> o.key().kind().equals("ServiceEntry"))
        .filter(o -> o.tree().at("/spec/location").asText().equals("MESH_INTERNAL"))
        .toList();
  }

  /**
   * A remote service's ServiceEntry and the specs of the WorkloadEntries it selects (its
   * endpoints), sorted by name as Istio would not promise but the emission does.
   */
  record Entry(DesiredObject serviceEntry, List<DesiredObject> workloadEntries) {
    DesiredObject object() {
      return serviceEntry;
    }

    ArrayNode endpoints() {
      var out = JsonNodeFactory.instance.arrayNode();
      workloadEntries.forEach(w -> out.add(w.tree().path("spec")));
      return out;
    }
  }

  private static Entry entry(DesiredObjects out, DesiredObject se) {
    JsonNode selector = se.tree().at("/spec/workloadSelector/labels");
    assertThat(se.tree().at("/spec/endpoints").isMissingNode()).as("no inline endpoints").isTrue();
    String want = selector.path(CrossClusterTranslation.REMOTE_SERVICE_LABEL).asText();
    assertThat(selector.size()).isEqualTo(1);
    assertThat(want).isEqualTo(se.key().name());
    var selected =
        out.objects().stream()
            .filter(o -> o.key().kind().equals("WorkloadEntry"))
            .filter(o -> o.key().namespace().equals(se.key().namespace()))
            .filter(
                o ->
                    o.tree()
                        .at("/spec/labels")
                        .path(CrossClusterTranslation.REMOTE_SERVICE_LABEL)
                        .asText()
                        .equals(want))
            .toList();
    return new Entry(se, selected);
  }

  private static List<Entry> entries(DesiredObjects out) {
    return serviceEntries(out).stream().map(se -> entry(out, se)).toList();
  }

  /** The clusters of the whole-service endpoints (those labelled with their cluster only). */
  private static List<String> endpointClusters(Entry se) {
    var out = new ArrayList<String>();
    se.endpoints()
        .forEach(
            e -> {
              if (selectorLabels(e) == 1) {
                out.add(e.path("labels").path("topology.istio.io/cluster").asText());
              }
            });
    return out;
  }

  /**
   * An endpoint's labels a subset could select on: all but the tlsMode every endpoint has and the
   * label its ServiceEntry selects it by.
   */
  private static int selectorLabels(JsonNode endpoint) {
    JsonNode labels = endpoint.path("labels");
    assertThat(labels.path(CrossClusterTranslation.TLS_MODE_LABEL).asText()).isEqualTo("istio");
    assertThat(labels.has(CrossClusterTranslation.REMOTE_SERVICE_LABEL)).isTrue();
    return labels.size() - 2;
  }

  /** The clusters of the endpoints of one subset: {@code labels} plus the cluster label. */
  private static List<String> subsetEndpointClusters(Entry se, String... labels) {
    var out = new ArrayList<String>();
    for (JsonNode e : se.endpoints()) {
      boolean all = selectorLabels(e) == labels.length / 2 + 1;
      for (int i = 0; i < labels.length; i += 2) {
        all &= e.path("labels").path(labels[i]).asText().equals(labels[i + 1]);
      }
      if (all) {
        out.add(e.path("labels").path("topology.istio.io/cluster").asText());
      }
    }
    return out;
  }

  private static Entry entryFor(DesiredObjects out, String namespace, String name) {
    String host = name + "." + namespace + ".svc.cluster.local";
    return serviceEntries(out).stream()
        .filter(o -> o.tree().path("spec").path("hosts").get(0).asText().equals(host))
        .findFirst()
        .map(se -> entry(out, se))
        .orElseThrow(() -> new AssertionError("no ServiceEntry for " + host));
  }

  @Test
  void serviceEntryFormatIsTheDocumentedOne() {
    var out = translate(Fixtures.acme(), "eu-west-1a", acmeCatalog(), Reachability.ALL);
    Entry entry = entryFor(out, "checkout", "checkout-api");
    DesiredObject se = entry.object();
    assertThat(se.key().apiVersion()).isEqualTo("networking.istio.io/v1");
    assertThat(se.key().name())
        .startsWith("trestle-remote-checkout-api-")
        .hasSize("trestle-remote-checkout-api-".length() + 8);
    assertThat(se.key().namespace()).isEqualTo("checkout");
    JsonNode spec = se.tree().path("spec");
    assertThat(spec.path("location").asText()).isEqualTo("MESH_INTERNAL");
    assertThat(spec.path("resolution").asText()).isEqualTo("STATIC");
    assertThat(spec.path("ports").toString())
        .isEqualTo(
            "[{\"name\":\"http\",\"number\":8080,\"protocol\":\"HTTP\"},{\"name\":\"grpc\",\"number\":9090,\"protocol\":\"GRPC\"}]");
    // every endpoint is an east-west gateway in AUTO_PASSTHROUGH: labelled for Istio's mTLS
    String selectedBy = "\"trestle.dev/remote-service\":\"" + se.key().name() + "\",";
    assertThat(spec.path("workloadSelector").toString())
        .isEqualTo("{\"labels\":{" + selectedBy.substring(0, selectedBy.length() - 1) + "}}");
    assertThat(entry.workloadEntries())
        .allSatisfy(w -> assertThat(w.key().apiVersion()).isEqualTo("networking.istio.io/v1"))
        .allSatisfy(w -> assertThat(w.key().name()).startsWith("trestle-remote-checkout-api-"));
    assertThat(entry.endpoints().toString())
        .isEqualTo(
            "[{\"address\":\"198.51.100.7\",\"labels\":{\"security.istio.io/tlsMode\":\"istio\",\"topology.istio.io/cluster\":\"us-east-1a\","
                + selectedBy.substring(0, selectedBy.length() - 1)
                + "},\"locality\":\"us-east-1/us-east-1a\",\"network\":\"us-net\",\"ports\":{\"grpc\":15443,\"http\":15443}},"
                // the same gateway once per subset of the checkout-api ServiceRoute (blue, green)
                + "{\"address\":\"198.51.100.7\",\"labels\":{\"app\":\"checkout-api\",\"security.istio.io/tlsMode\":\"istio\",\"topology.istio.io/cluster\":\"us-east-1a\","
                + selectedBy
                + "\"version\":\"v3\"},"
                + "\"locality\":\"us-east-1/us-east-1a\",\"network\":\"us-net\",\"ports\":{\"grpc\":15443,\"http\":15443}},"
                + "{\"address\":\"198.51.100.7\",\"labels\":{\"app\":\"checkout-api\",\"security.istio.io/tlsMode\":\"istio\",\"topology.istio.io/cluster\":\"us-east-1a\","
                + selectedBy
                + "\"version\":\"v4\"},"
                + "\"locality\":\"us-east-1/us-east-1a\",\"network\":\"us-net\",\"ports\":{\"grpc\":15443,\"http\":15443}}]");
    // the subsets' entries carry the ServiceRoute's labels: it is their input, not the entry's
    assertThat(se.inputs())
        .doesNotContain(
            "organizations/acme/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/checkout-api@1");
    assertThat(entry.workloadEntries())
        .filteredOn(w -> w.tree().at("/spec/labels/version").isTextual())
        .hasSize(2)
        .allSatisfy(
            w ->
                assertThat(w.inputs())
                    .contains(
                        "organizations/acme/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/checkout-api@1"));
  }

  @Test
  void aPortTheLocalServiceHasKeepsTheLocalNameWhateverTheRemoteInventoryCallsIt() {
    // Issue 15 point 9: Istio joins the entry's ports with the local Service's by name.
    var catalog = new ArrayList<>(acmeCatalog());
    Cluster a = named(catalog, "eu-west-1a");
    var renamed = new ArrayList<Service>();
    for (Service s : a.services()) {
      renamed.add(
          s.key().equals("checkout/checkout-api")
              ? new Service(
                  s.namespace(),
                  s.name(),
                  List.of(new Port("http-api", 8080, "HTTP"), GRPC),
                  s.endpoints(),
                  s.healthyEndpoints())
              : s);
    }
    catalog.set(
        0, new Cluster(a.name(), a.network(), a.region(), a.zone(), true, a.eastWest(), renamed));
    JsonNode spec = checkoutApiEntry("eu-west-1a", catalog);
    assertThat(spec.at("/ports/0/name").asText()).isEqualTo("http-api");
    assertThat(spec.at("/endpoints/0/ports").toString())
        .isEqualTo("{\"grpc\":15443,\"http-api\":15443}");
    // us-east-1a runs it with port 8080 named http: its own name stays there.
    JsonNode us = checkoutApiEntry("us-east-1a", catalog);
    assertThat(us.at("/ports/0/name").asText()).isEqualTo("http");
  }

  private static JsonNode checkoutApiEntry(String cluster, List<Cluster> catalog) {
    var out = translate(Fixtures.acme(), cluster, catalog, Reachability.ALL);
    var entry = entryFor(out, "checkout", "checkout-api");
    var spec = entry.object().tree().path("spec").deepCopy();
    ((ObjectNode) spec).set("endpoints", entry.endpoints());
    return spec;
  }

  private static final String CANARY =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/shop"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: traffic, organization: org, tenant: t, workspace: shop}
      spec: {type: TRAFFIC, namespaceSelectors: [%s]}
      ---
      apiVersion: trestle.dev/v1
      kind: ServiceRoute
      metadata: {name: api, organization: org, tenant: t, workspace: shop, group: traffic}
      spec:
        service: shop/api
        subsets:
          - {name: stable, labels: {version: v1}, weight: 80}
          - {name: canary, labels: {version: v2}, weight: 20}
      """;

  /** c1 (translated) and c2 both run shop/api; c2 is routable. */
  private static DesiredObjects canary(String groupSelectors) {
    var snapshot = Fixtures.snapshot(CANARY.formatted(groupSelectors));
    var api = List.of(svc("shop/api", 2, HTTP));
    var c1 = new Cluster("c1", "net", "region", "zone", true, new Gateway("10.0.0.1", 15443), api);
    var c2 = new Cluster("c2", "net", "r2", "z2", true, new Gateway("10.0.0.2", 15443), api);
    ClusterView view = Fixtures.view("c1", "shop").withServices(api);
    var remote =
        MeshCatalog.remoteServices(c1, view.namespaces(), List.of(c1, c2), Reachability.ALL);
    var out = IstioTranslator.translate(snapshot, view, remote);
    assertThat(IstioAnalysis.problems(out, view)).isEmpty();
    return out;
  }

  @Test
  void eachSubsetGetsTheRemoteGatewayAsAnEndpointOfItsOwnWhereTheServiceRouteIsPlacedToo() {
    // Issue 15 point 8: subset clusters held local endpoints only, so an 80/20 split lost
    // cross-cluster failover. Now each subset selects the remote gateway too, whose SNI routing
    // (outbound_.8080_.stable_.api.shop...) reaches the remote cluster's pods of that subset.
    Entry se = entryFor(canary("\"*/shop\""), "shop", "api");
    assertThat(endpointClusters(se)).containsExactly("c2");
    assertThat(subsetEndpointClusters(se, "version", "v1")).containsExactly("c2");
    assertThat(subsetEndpointClusters(se, "version", "v2")).containsExactly("c2");
    assertThat(se.endpoints()).hasSize(3);
    assertThat(se.workloadEntries())
        .filteredOn(w -> w.tree().at("/spec/labels/version").isTextual())
        .hasSize(2)
        .allSatisfy(
            w -> assertThat(w.inputs()).singleElement().asString().contains("/serviceroutes/api@"));
  }

  @Test
  void aRemoteClusterTheServiceRouteDoesNotReachGetsNoSubsetEndpoints() {
    // Its gateway has no cluster for the subset's SNI: sending subset traffic there would fail.
    Entry se = entryFor(canary("\"c1/shop\""), "shop", "api");
    assertThat(endpointClusters(se)).containsExactly("c2");
    assertThat(se.endpoints()).hasSize(1);
  }

  @Test
  void aClusterWhoseEastWestGatewayHasNoReadyEndpointIsRoutedToByNobodyUntilItRecovers() {
    // Issue 15 point 11: a cluster stayed routable whatever its gateway's health.
    var snapshot = Fixtures.acme();
    var catalog = new ArrayList<>(acmeCatalog());
    Cluster b = named(catalog, "eu-west-1b");
    Cluster down =
        new Cluster(
            b.name(),
            b.network(),
            b.region(),
            b.zone(),
            true,
            new Gateway("10.2.0.10", 15443, false),
            b.services());
    assertThat(MeshCatalog.changedServices(b, down))
        .as("a gateway outage re-publishes every service of the cluster")
        .containsExactly("checkout/cart", "monitoring/grafana", "storefront/web");
    assertThat(down.services()).noneMatch(down::routable);
    catalog.set(1, down);
    var out = translate(snapshot, "eu-west-1a", catalog, Reachability.ALL);
    assertThat(endpointClusters(entryFor(out, "storefront", "web"))).containsExactly("us-east-1a");
    // cart had eu-west-1b only (us-east-1a has 0 healthy): no remote left, entry gone.
    assertThat(serviceEntries(out))
        .noneMatch(o -> o.key().name().startsWith("trestle-remote-cart-"));

    catalog.set(1, b);
    var recovered = translate(snapshot, "eu-west-1a", catalog, Reachability.ALL);
    assertThat(endpointClusters(entryFor(recovered, "storefront", "web")))
        .containsExactly("eu-west-1b", "us-east-1a");
    assertThat(endpointClusters(entryFor(recovered, "checkout", "cart")))
        .containsExactly("eu-west-1b");
  }

  @Test
  void onlyRoutableRemoteClustersAreEndpointsAndNeverTheClusterItself() {
    var out = translate(Fixtures.acme(), "eu-west-1b", acmeCatalog(), Reachability.ALL);
    // cart: eu-west-1a healthy, us-east-1a has 0 healthy endpoints, eu-west-1b is itself.
    assertThat(endpointClusters(entryFor(out, "checkout", "cart"))).containsExactly("eu-west-1a");
    // stock-api: eu-west-1b has no inventory namespace, so no entry at all.
    assertThat(serviceEntries(out)).noneMatch(o -> o.key().namespace().equals("inventory"));
    // ledger-api: only in eu-west-1a; eu-west-1b has the ledger namespace.
    assertThat(endpointClusters(entryFor(out, "ledger", "ledger-api")))
        .containsExactly("eu-west-1a");
  }

  @Test
  void anUnhealthyClusterOrZeroHealthyEndpointsDropTheEndpointAndRestoreBringsItBack() {
    var snapshot = Fixtures.acme();
    var catalog = new ArrayList<>(acmeCatalog());
    var before = translate(snapshot, "eu-west-1a", catalog, Reachability.ALL);
    assertThat(endpointClusters(entryFor(before, "storefront", "web")))
        .containsExactly("eu-west-1b", "us-east-1a");

    Cluster b = named(catalog, "eu-west-1b");
    catalog.set(
        1,
        new Cluster(
            b.name(), b.network(), b.region(), b.zone(), false, b.eastWest(), b.services()));
    var unhealthy = translate(snapshot, "eu-west-1a", catalog, Reachability.ALL);
    assertThat(endpointClusters(entryFor(unhealthy, "storefront", "web")))
        .containsExactly("us-east-1a");
    // the last remote of cart went away: its ServiceEntry is gone, its DestinationRule reverts.
    assertThat(serviceEntries(unhealthy))
        .noneMatch(o -> o.key().name().startsWith("trestle-remote-cart-"));
    var plainCart =
        IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, "eu-west-1a"))
            .objects()
            .stream()
            .filter(
                o ->
                    o.key().kind().equals("DestinationRule")
                        && o.key().name().startsWith("trestle-cart-"))
            .findFirst()
            .orElseThrow();
    assertThat(unhealthy.get(plainCart.key()).orElseThrow().contentHash())
        .isEqualTo(plainCart.contentHash());

    catalog.set(1, b);
    var restored = translate(snapshot, "eu-west-1a", catalog, Reachability.ALL);
    assertThat(restored.setHash()).isEqualTo(before.setHash());
  }

  @Test
  void reachabilitySameNetworkAndNone() {
    var snapshot = Fixtures.acme();
    var same = translate(snapshot, "eu-west-1a", acmeCatalog(), Reachability.SAME_NETWORK);
    assertThat(
            entries(same).stream()
                .flatMap(o -> endpointClusters(o).stream())
                .collect(Collectors.toSet()))
        .containsExactly("eu-west-1b");
    var none = translate(snapshot, "eu-west-1a", acmeCatalog(), Reachability.NONE);
    assertThat(serviceEntries(none)).isEmpty();
    assertThat(none.setHash())
        .isEqualTo(
            IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, "eu-west-1a"))
                .setHash());
  }

  @Test
  void theTrafficSettingsOutlierDetectionAndFailoverWinAndOneDestinationRulePerHost() {
    var out = translate(Fixtures.acme(), "eu-west-1a", acmeCatalog(), Reachability.ALL);
    String host = "cart.checkout.svc.cluster.local";
    var rules =
        out.objects().stream()
            .filter(
                o ->
                    o.key().kind().equals("DestinationRule")
                        && o.tree().path("spec").path("host").asText().equals(host))
            .toList();
    assertThat(rules).hasSize(1);
    JsonNode policy = rules.get(0).tree().path("spec").path("trafficPolicy");
    assertThat(policy.path("outlierDetection").path("consecutive5xxErrors").asInt()).isEqualTo(3);
    assertThat(
            policy
                .path("loadBalancer")
                .path("localityLbSetting")
                .path("failover")
                .get(0)
                .path("to")
                .asText())
        .isEqualTo("us-east-1");
    // subsets of the ServiceRoute are kept in the merged rule
    assertThat(rules.get(0).tree().path("spec").path("subsets").size()).isGreaterThan(0);
  }

  @Test
  void withoutATrafficSettingTheDefaultOutlierDetectionIsUsed() {
    var out = translate(Fixtures.acme(), "eu-west-1a", acmeCatalog(), Reachability.ALL);
    String host = "grafana.monitoring.svc.cluster.local";
    var rule =
        out.objects().stream()
            .filter(
                o ->
                    o.key().kind().equals("DestinationRule")
                        && o.tree().path("spec").path("host").asText().equals(host))
            .findFirst()
            .orElseThrow();
    JsonNode policy = rule.tree().path("spec").path("trafficPolicy");
    assertThat(policy.path("loadBalancer").path("localityLbSetting").path("enabled").asBoolean())
        .isTrue();
    assertThat(policy.path("outlierDetection").toString())
        .isEqualTo(
            "{\"baseEjectionTime\":\"30s\",\"consecutive5xxErrors\":5,\"interval\":\"10s\"}");
    assertThat(rule.key().name()).startsWith("trestle-grafana-");
    assertThat(
            entryFor(out, "monitoring", "grafana")
                .object()
                .tree()
                .path("spec")
                .path("ports")
                .get(0)
                .path("name")
                .asText())
        .isEqualTo("http-3000");
    assertThat(KubernetesValidation.problems(rule)).isEmpty();
    serviceEntries(out)
        .forEach(
            se -> assertThat(KubernetesValidation.problems(se)).as(se.key().toString()).isEmpty());
  }

  @Test
  void publishedEntriesChangeOnlyWhenRoutabilityPortsOrTheGatewayChange() {
    Cluster a = named(acmeCatalog(), "eu-west-1a");
    var fewer = new ArrayList<>(a.services());
    fewer.set(0, svc("checkout/cart", 1, HTTP)); // 3 -> 1 healthy: still routable
    Cluster countOnly =
        new Cluster(a.name(), a.network(), a.region(), a.zone(), true, a.eastWest(), fewer);
    assertThat(MeshCatalog.changedServices(a, countOnly)).isEmpty();

    var zero = new ArrayList<>(a.services());
    zero.set(0, svc("checkout/cart", 0, HTTP));
    assertThat(
            MeshCatalog.changedServices(
                a,
                new Cluster(a.name(), a.network(), a.region(), a.zone(), true, a.eastWest(), zero)))
        .containsExactly("checkout/cart");

    Cluster moved =
        new Cluster(
            a.name(),
            a.network(),
            a.region(),
            a.zone(),
            true,
            new Gateway("10.9.9.9", 15443),
            a.services());
    assertThat(MeshCatalog.changedServices(a, moved))
        .containsExactly(
            "checkout/cart", "checkout/checkout-api", "inventory/stock-api", "ledger/ledger-api");
  }

  @Test
  void oneServiceChangeChangesOnlyThatServicesObjects() {
    var snapshot = Fixtures.acme();
    var catalog = new ArrayList<>(acmeCatalog());
    var before = translate(snapshot, "eu-west-1b", catalog, Reachability.ALL);
    Cluster us = named(catalog, "us-east-1a");
    var services = new ArrayList<>(us.services());
    services.set(1, svc("checkout/checkout-api", 0, HTTP, GRPC));
    catalog.set(
        2,
        new Cluster(
            us.name(), us.network(), us.region(), us.zone(), true, us.eastWest(), services));
    var after = translate(snapshot, "eu-west-1b", catalog, Reachability.ALL);
    var delta = after.diff(before);
    var touched = new ArrayList<String>();
    delta.upserts().forEach(o -> touched.add(o.key().kind() + " " + o.key().name()));
    delta.deletes().forEach(k -> touched.add(k.kind() + " " + k.name()));
    assertThat(touched).allMatch(t -> t.contains("checkout-api")).isNotEmpty();
  }
}
