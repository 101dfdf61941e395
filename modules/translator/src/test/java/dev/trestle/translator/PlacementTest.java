package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.NamespaceSelector;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static final String WS =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec:
        namespaceSelectors: ["*/shop", "c1/shop-edge", "c2/*"]
      """;

  private static String group(String name, String selectors) {
    return """
    apiVersion: trestle.dev/v1
    kind: Group
    metadata: {name: %s, organization: org, tenant: t, workspace: shop}
    spec: {type: TRAFFIC, namespaceSelectors: %s}
    """
        .formatted(name, selectors);
  }

  private static final Fqn WS_FQN = Fqn.parse("organizations/org/tenants/t/workspaces/shop");

  private static Fqn groupFqn(String name) {
    return WS_FQN.child(dev.trestle.protocol.Kind.GROUP, name);
  }

  @Test
  void selectorsMatchLiteralAndWildcardParts() {
    var any = NamespaceSelector.parse("*/*").orElseThrow();
    var anyCluster = NamespaceSelector.parse("*/shop").orElseThrow();
    var anyNamespace = NamespaceSelector.parse("c1/*").orElseThrow();
    var literal = NamespaceSelector.parse("c1/shop").orElseThrow();
    assertThat(any.matches("c9", "x")).isTrue();
    assertThat(anyCluster.matches("c9", "shop")).isTrue();
    assertThat(anyCluster.matches("c9", "shop2")).isFalse();
    assertThat(anyNamespace.matches("c1", "x")).isTrue();
    assertThat(anyNamespace.matches("c2", "x")).isFalse();
    assertThat(literal.matches("c1", "shop")).isTrue();
    assertThat(literal.matches("c1", "shopx")).isFalse();
    assertThat(NamespaceSelector.parse("shop")).isEmpty();
    assertThat(NamespaceSelector.parse("a/b/c")).isEmpty();
    assertThat(NamespaceSelector.parse("/shop")).isEmpty();
  }

  @Test
  void aGroupWithoutSelectorsInheritsItsWorkspaces() {
    var snapshot = Fixtures.snapshot(WS, group("inherit", "[]"));
    var c1 = new Placement(snapshot, Fixtures.view("c1", "shop", "shop-edge", "other"));
    assertThat(c1.localNamespaces(groupFqn("inherit"))).containsExactly("shop", "shop-edge");
    var c2 = new Placement(snapshot, Fixtures.view("c2", "shop", "shop-edge", "other"));
    assertThat(c2.localNamespaces(groupFqn("inherit")))
        .containsExactly("other", "shop", "shop-edge");
    var c3 = new Placement(snapshot, Fixtures.view("c3", "shop", "shop-edge"));
    assertThat(c3.localNamespaces(groupFqn("inherit"))).containsExactly("shop");
  }

  @Test
  void aGroupCoversOnlyWhatBothItAndItsWorkspaceSelect() {
    var snapshot = Fixtures.snapshot(WS, group("narrow", "[c1/shop, \"*/elsewhere\"]"));
    var c1 = new Placement(snapshot, Fixtures.view("c1", "shop", "shop-edge", "elsewhere"));
    // */elsewhere is outside the workspace's selectors in c1, so it does not count.
    assertThat(c1.localNamespaces(groupFqn("narrow"))).containsExactly("shop");
    var c2 = new Placement(snapshot, Fixtures.view("c2", "shop", "elsewhere"));
    assertThat(c2.localNamespaces(groupFqn("narrow"))).containsExactly("elsewhere");
  }

  @Test
  void identityNamespacesAddLiteralNamesFromOtherKnownClusters() {
    var snapshot = Fixtures.snapshot(WS, group("g", "[c1/shop-edge, c9/ghost, \"c2/*\"]"));
    var fromC2 = new Placement(snapshot, Fixtures.view("c2", "payments"));
    // c1/shop-edge: a literal name in a known cluster; c9 is no cluster; c2/* resolves locally.
    assertThat(fromC2.identityNamespaces(groupFqn("g"))).containsExactly("payments", "shop-edge");
    var fromC1 = new Placement(snapshot, Fixtures.view("c1", "payments", "shop-edge"));
    // From c1 the c2/* selector cannot be resolved: c2's namespaces are not known here.
    assertThat(fromC1.identityNamespaces(groupFqn("g"))).containsExactly("shop-edge");
  }

  @Test
  void translationFollowsPlacement() {
    String route =
        """
        apiVersion: trestle.dev/v1
        kind: ServiceRoute
        metadata: {name: web, organization: org, tenant: t, workspace: shop, group: only-c1}
        spec: {service: shop/web}
        """;
    var snapshot = Fixtures.snapshot(WS, group("only-c1", "[c1/shop]"), route);
    var inC1 = IstioTranslator.translate(snapshot, Fixtures.view("c1", "shop"));
    assertThat(Fixtures.objects(inC1, "VirtualService", "shop")).hasSize(1);
    var inC2 = IstioTranslator.translate(snapshot, Fixtures.view("c2", "shop"));
    assertThat(Fixtures.objects(inC2, "VirtualService", "shop")).isEmpty();
    var noNamespace = IstioTranslator.translate(snapshot, Fixtures.view("c1", "other"));
    assertThat(noNamespace.objects()).isEmpty();
  }

  @Test
  void resourcesWhoseWorkspaceIsMissingAreReportedNotTranslated() {
    String route =
        """
        apiVersion: trestle.dev/v1
        kind: ServiceRoute
        metadata: {name: web, organization: org, tenant: t, workspace: gone, group: g}
        spec: {service: shop/web}
        """;
    var out = IstioTranslator.translate(Fixtures.snapshot(route), Fixtures.view("c1", "shop"));
    assertThat(out.objects()).isEmpty();
    assertThat(out.diagnostics()).singleElement().asString().contains("not in the snapshot");
  }
}
