package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuthorizationRule;
import dev.trestle.protocol.v1.ExternalHost;
import dev.trestle.protocol.v1.ExternalPort;
import dev.trestle.protocol.v1.HttpMatch;
import dev.trestle.protocol.v1.HttpRoute;
import dev.trestle.protocol.v1.MtlsMode;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.RouteDestination;
import dev.trestle.protocol.v1.StringMatch;
import dev.trestle.protocol.v1.Subset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChangeIsolationTest {
  private static final ConfigSnapshot ACME = Fixtures.acme();
  private static final Map<String, DesiredObjects> BEFORE = new TreeMap<>();

  static {
    for (String cluster : Fixtures.acmeClusters()) {
      BEFORE.put(cluster, IstioTranslator.translate(ACME, Fixtures.acmeView(ACME, cluster)));
    }
  }

  private static final String CART =
      "organizations/acme/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/cart";

  @Test
  void changingOneServiceRouteChangesOnlyItsObjectsAndTheSetHash() {
    var before = ACME;
    Resource cart = before.get(CART).orElseThrow();
    var spec = cart.getServiceRoute().toBuilder();
    spec.getSubsetsBuilder(0).setWeight(50);
    spec.getSubsetsBuilder(1).setWeight(50);
    spec.getHttpRoutesBuilder(1).getDestinationsBuilder(0).setWeight(50);
    spec.getHttpRoutesBuilder(1).getDestinationsBuilder(1).setWeight(50);
    var changed = cart.toBuilder().setServiceRoute(spec);
    changed.getMetadataBuilder().setVersion(2);
    var after = before.with(changed.build());

    for (String cluster : Fixtures.acmeClusters()) {
      var old = BEFORE.get(cluster);
      var now = IstioTranslator.translate(after, Fixtures.acmeView(ACME, cluster));
      var delta = now.diff(old);
      assertThat(delta.deletes()).isEmpty();
      assertThat(delta.upserts().stream().map(o -> o.key().kind() + " " + o.key().namespace()))
          .as(cluster)
          .containsExactlyInAnyOrder("DestinationRule checkout", "VirtualService checkout");
      assertThat(delta.upserts())
          .allSatisfy(o -> assertThat(o.key().name()).startsWith("trestle-cart-"));
      assertThat(now.setHash()).isNotEqualTo(old.setHash());
      assertThat(now.objects()).hasSameSizeAs(old.objects());
    }
  }

  static Stream<String> translatedResources() {
    return Stream.of(
            Kind.SERVICE_ROUTE,
            Kind.TRAFFIC_SETTING,
            Kind.SECURITY_SETTING,
            Kind.INGRESS_GATEWAY,
            Kind.EGRESS_GATEWAY,
            Kind.WASM_EXTENSION,
            Kind.API_DEFINITION)
        .flatMap(k -> ACME.ofKind(k).stream())
        .map(r -> r.getMetadata().getFqn());
  }

  /**
   * A change to the content of one translated resource (its version left alone, so only real
   * content can differ) changes only objects that list it among their inputs, before or after: the
   * inputs annotation never hides a dependency.
   */
  @ParameterizedTest
  @MethodSource("translatedResources")
  void aContentChangeReachesOnlyObjectsListingTheResourceAsInput(String fqn) {
    var after = ACME.with(mutated(ACME.get(fqn).orElseThrow()));
    int changes = 0;
    for (String cluster : Fixtures.acmeClusters()) {
      var old = BEFORE.get(cluster);
      var now = IstioTranslator.translate(after, Fixtures.acmeView(ACME, cluster));
      String ref = fqn + "@1";
      Set<ObjectKey> dependents =
          Stream.concat(old.objects().stream(), now.objects().stream())
              .filter(o -> o.inputs().contains(ref))
              .map(DesiredObject::key)
              .collect(Collectors.toSet());
      var delta = now.diff(old);
      assertThat(delta.upserts().stream().map(DesiredObject::key).collect(Collectors.toSet()))
          .as("%s in %s", fqn, cluster)
          .isSubsetOf(dependents);
      assertThat(delta.deletes()).as("%s in %s", fqn, cluster).isSubsetOf(dependents);
      changes += delta.upserts().size() + delta.deletes().size();
    }
    assertThat(changes).as("the change to %s shows somewhere", fqn).isPositive();
  }

  /** A change every translation of the kind must reflect somewhere. */
  private static Resource mutated(Resource r) {
    var b = r.toBuilder();
    switch (r.getSpecCase()) {
      case SERVICE_ROUTE -> {
        var sr = b.getServiceRouteBuilder();
        sr.addSubsets(Subset.newBuilder().setName("probe").putLabels("probe", "1"));
        sr.addHttpRoutes(
            0,
            HttpRoute.newBuilder()
                .setName("probe")
                .addMatch(
                    HttpMatch.newBuilder()
                        .putHeaders("x-probe", StringMatch.newBuilder().setExact("1").build()))
                .addDestinations(RouteDestination.newBuilder().setSubset("probe")));
      }
      case TRAFFIC_SETTING ->
          b.getTrafficSettingBuilder()
              .setTimeout("7s")
              .getConnectionPoolBuilder()
              .setMaxConnections(7);
      case SECURITY_SETTING ->
          b.getSecuritySettingBuilder()
              .setMtlsMode(MtlsMode.PERMISSIVE)
              .addAllow(
                  AuthorizationRule.newBuilder().setName("probe").addFromNamespaces("inventory"));
      case INGRESS_GATEWAY -> {
        var ig = b.getIngressGatewayBuilder();
        ig.putWorkloadSelector("probe", "1");
        for (int i = 0; i < ig.getRoutesCount(); i++) {
          ig.getRoutesBuilder(i).setTimeout("7s");
        }
      }
      case EGRESS_GATEWAY -> b.getEgressGatewayBuilder().putWorkloadSelector("probe", "1");
      case WASM_EXTENSION -> b.getWasmExtensionBuilder().setPriority(77);
      case API_DEFINITION -> {
        var api = b.getApiDefinitionBuilder();
        api.setOpenapi(api.getOpenapi().replace("x-trestle-timeout: 2s", "x-trestle-timeout: 7s"));
      }
      default -> throw new IllegalArgumentException(r.getKind());
    }
    return b.build();
  }

  /**
   * Workspace egress policies are content too: a new allowed host of one workspace changes only
   * objects that list that workspace among their inputs (its Sidecars, ServiceEntries, routes).
   */
  @Test
  void anEgressPolicyChangeReachesOnlyObjectsListingItsWorkspace() {
    String storefront = "organizations/acme/tenants/retail/workspaces/storefront";
    Resource ws = ACME.get(storefront).orElseThrow();
    var b = ws.toBuilder();
    b.getWorkspaceBuilder()
        .getEgressBuilder()
        .addAllowedHosts(
            ExternalHost.newBuilder()
                .setHost("maps.example")
                .addPorts(ExternalPort.newBuilder().setNumber(443).setProtocol("TLS")));
    var after = ACME.with(b.build());
    int changes = 0;
    for (String cluster : Fixtures.acmeClusters()) {
      var old = BEFORE.get(cluster);
      var now = IstioTranslator.translate(after, Fixtures.acmeView(ACME, cluster));
      var delta = now.diff(old);
      assertThat(delta.deletes()).isEmpty();
      assertThat(delta.upserts())
          .as(cluster)
          .allSatisfy(o -> assertThat(o.inputs()).contains(storefront + "@1"))
          .allSatisfy(o -> assertThat(o.key().kind()).isEqualTo("ServiceEntry"));
      changes += delta.upserts().size();
    }
    assertThat(changes).as("one ServiceEntry per storefront namespace per cluster").isEqualTo(6);
  }

  @Test
  void editingACatalogEntryChangesExactlyItsWasmPlugins() {
    String botScore = "organizations/acme/wasmextensions/bot-score";
    Resource entry = ACME.get(botScore).orElseThrow();
    var changed = entry.toBuilder();
    changed.getWasmExtensionBuilder().setSha256("ab".repeat(32));
    changed.getMetadataBuilder().setVersion(2);
    var after = ACME.with(changed.build());
    int plugins = 0;
    for (String cluster : Fixtures.acmeClusters()) {
      var old = BEFORE.get(cluster);
      var now = IstioTranslator.translate(after, Fixtures.acmeView(ACME, cluster));
      var delta = now.diff(old);
      assertThat(delta.deletes()).isEmpty();
      var attached =
          old.objects().stream()
              .filter(o -> o.inputs().contains(botScore + "@1"))
              .map(DesiredObject::key)
              .collect(Collectors.toSet());
      assertThat(attached).allSatisfy(k -> assertThat(k.kind()).isEqualTo("WasmPlugin"));
      assertThat(delta.upserts().stream().map(DesiredObject::key).collect(Collectors.toSet()))
          .as(cluster)
          .isEqualTo(attached);
      assertThat(delta.upserts()).allSatisfy(o -> assertThat(o.json()).contains("abababab"));
      plugins += attached.size();
    }
    assertThat(plugins).as("bot-score is attached somewhere in the examples").isPositive();
  }

  @Test
  void deletingAServiceRouteDeletesItsObjectsAndUpdatesTheGatewayThatFollowedIt() {
    String checkoutApi =
        "organizations/acme/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/checkout-api";
    var after = ACME.without(Fqn.parse(checkoutApi));
    var old = BEFORE.get("eu-west-1a");
    var now = IstioTranslator.translate(after, Fixtures.acmeView(ACME, "eu-west-1a"));
    var delta = now.diff(old);
    assertThat(delta.deletes())
        .extracting(
            k -> k.kind() + " " + k.namespace() + " " + k.name().replaceAll("-[0-9a-f]{8}$", ""))
        .containsExactlyInAnyOrder(
            "DestinationRule checkout trestle-checkout-api",
            "VirtualService checkout trestle-checkout-api");
    // The refunds route's rate limit patches the Envoy routes it became, which were named after
    // the followed ServiceRoute's routes.
    assertThat(delta.upserts())
        .extracting(o -> o.key().kind() + " " + o.key().namespace())
        .containsExactlyInAnyOrder(
            "VirtualService payments-ingress", "EnvoyFilter payments-ingress");
    List<String> refundsSubsets =
        delta.upserts().stream()
            .filter(o -> o.key().kind().equals("VirtualService"))
            .findFirst()
            .orElseThrow()
            .tree()
            .at("/spec/http")
            .findValuesAsText("subset");
    assertThat(refundsSubsets).isEmpty();
    assertThat(now.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("not in the snapshot"));
  }
}
