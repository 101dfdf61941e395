package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Problem;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResourceValidatorTest {

  private static Resource doc(String yaml) {
    ParsedDocument d = ResourceDocuments.parse(yaml).get(0);
    assertThat(d.error()).isNull();
    return d.resource();
  }

  private static List<String> fields(List<Problem.Violation> violations) {
    return violations.stream().map(Problem.Violation::field).toList();
  }

  private static ResourceSnapshot snapshot(String kind, String fqn, String specJson) {
    return new ResourceSnapshot(kind, fqn, new TreeMap<>(), "", false, specJson);
  }

  private static final ResourceSnapshot ORG = snapshot("Organization", "organizations/o", "{}");
  private static final ResourceSnapshot TENANT =
      snapshot("Tenant", "organizations/o/tenants/t", "{}");
  private static final ResourceSnapshot WS =
      snapshot(
          "Workspace",
          "organizations/o/tenants/t/workspaces/w",
          "{\"namespaceSelectors\":[\"c1/shop\",\"*/cart\"]}");

  private static ValidationContext inGroup(String type, String selectorsJson) {
    var group =
        snapshot(
            "Group",
            "organizations/o/tenants/t/workspaces/w/groups/g",
            "{\"type\":\"" + type + "\",\"namespaceSelectors\":" + selectorsJson + "}");
    return new ValidationContext(List.of(ORG, TENANT, WS, group), Set.of());
  }

  @Test
  void rejectsNamesThatAreNotDnsLabels() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: Payments_EU, organization: o}
            """);
    assertThat(fields(ResourceValidator.checkAlone(r))).containsExactly("metadata.name");
  }

  @Test
  void requiresParentNamesForTheKindAndRefusesOthers() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: w, tenant: t, group: g}
            spec: {namespaceSelectors: ["*/a"]}
            """);
    assertThat(fields(ResourceValidator.checkAlone(r)))
        .containsExactlyInAnyOrder("metadata.organization", "metadata.group");
  }

  @Test
  void groupSelectorsMustLieInsideTheWorkspace() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: g, organization: o, tenant: t, workspace: w}
            spec: {type: TRAFFIC, namespaceSelectors: ["c1/shop", "c2/shop", "c9/cart", "*/cart", "bad"]}
            """);
    var violations =
        ResourceValidator.check(r, new ValidationContext(List.of(ORG, TENANT, WS), Set.of()));
    assertThat(fields(violations))
        .containsExactlyInAnyOrder("spec.namespaceSelectors[1]", "spec.namespaceSelectors[4]");
    assertThat(violations)
        .filteredOn(v -> v.field().equals("spec.namespaceSelectors[1]"))
        .singleElement()
        .satisfies(v -> assertThat(v.description()).contains("outside workspace"));
  }

  @Test
  void subsetWeightsMustSumTo100AndRoutesNameKnownSubsets() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: ServiceRoute
            metadata: {name: cart, organization: o, tenant: t, workspace: w, group: g}
            spec:
              service: cart/cart
              subsets:
                - {name: v1, labels: {version: v1}, weight: 80}
                - {name: v2, labels: {version: v2}, weight: 10}
              httpRoutes:
                - destinations: [{subset: v1, weight: 50}, {subset: v3, weight: 40}]
                  timeout: 2 seconds
            """);
    var violations = ResourceValidator.check(r, inGroup("TRAFFIC", "[]"));
    assertThat(fields(violations))
        .containsExactlyInAnyOrder(
            "spec.subsets",
            "spec.httpRoutes[0].destinations[1].subset",
            "spec.httpRoutes[0].destinations",
            "spec.httpRoutes[0].timeout");
  }

  @Test
  void serviceNamespaceMustBeSelectedByTheGroup() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: TrafficSetting
            metadata: {name: s, organization: o, tenant: t, workspace: w, group: g}
            spec: {service: billing/api, timeout: 1s}
            """);
    assertThat(fields(ResourceValidator.check(r, inGroup("TRAFFIC", "[\"c1/shop\"]"))))
        .containsExactly("spec.service");
    assertThat(ResourceValidator.check(r, inGroup("TRAFFIC", "[\"*/billing\"]"))).isEmpty();
  }

  @Test
  void kindMustMatchTheGroupType() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: {name: s, organization: o, tenant: t, workspace: w, group: g}
            spec: {mtlsMode: STRICT}
            """);
    var violations = ResourceValidator.check(r, inGroup("TRAFFIC", "[]"));
    assertThat(fields(violations)).containsExactly("metadata.group");
    assertThat(violations.get(0).description()).contains("needs a SECURITY group");
  }

  /**
   * The entity runs only the context rules on a document the apply workflow already checked alone
   * (ApplyWorkflow): for such documents the two halves must find exactly what the full check finds.
   */
  @Test
  void contextRulesAloneFindWhatTheFullCheckFindsOnADocumentThatPassedCheckAlone() {
    var group =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: g, organization: o, tenant: t, workspace: w}
            spec: {type: TRAFFIC, namespaceSelectors: ["c1/shop", "c2/shop"]}
            """);
    var traffic =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: TrafficSetting
            metadata: {name: s, organization: o, tenant: t, workspace: w, group: g}
            spec: {service: billing/api, timeout: 1s}
            """);
    var security =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: {name: s, organization: o, tenant: t, workspace: w, group: g}
            spec:
              mtlsMode: STRICT
              allow:
                - fromWorkspaces: [organizations/o/tenants/t/workspaces/gone]
            """);
    var inWorkspace = new ValidationContext(List.of(ORG, TENANT, WS), Set.of());
    var inTrafficGroup = inGroup("TRAFFIC", "[\"c1/shop\"]");
    for (var c :
        List.of(
            new Object[] {group, inWorkspace, List.of("spec.namespaceSelectors[1]")},
            new Object[] {traffic, inTrafficGroup, List.of("spec.service")},
            new Object[] {
              security, inTrafficGroup, List.of("metadata.group", "spec.allow[0].fromWorkspaces[0]")
            })) {
      var r = (Resource) c[0];
      var context = (ValidationContext) c[1];
      assertThat(ResourceValidator.checkAlone(r)).isEmpty();
      assertThat(fields(ResourceValidator.check(r, context))).isEqualTo(c[2]);
      assertThat(ResourceValidator.checkInContext(r, context))
          .isEqualTo(ResourceValidator.check(r, context));
    }
  }

  @Test
  void referencesMustExist() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: {name: s, organization: o, tenant: t, workspace: w, group: g}
            spec:
              mtlsMode: STRICT
              allow:
                - fromWorkspaces: [organizations/o/tenants/t/workspaces/w, organizations/o/tenants/t/workspaces/gone]
                  methods: [GET, FETCH]
            """);
    var group =
        snapshot(
            "Group", "organizations/o/tenants/t/workspaces/w/groups/g", "{\"type\":\"SECURITY\"}");
    var context =
        new ValidationContext(
            List.of(ORG, TENANT, WS, group), Set.of("organizations/o/tenants/t/workspaces/w"));
    assertThat(fields(ResourceValidator.check(r, context)))
        .containsExactlyInAnyOrder("spec.allow[0].fromWorkspaces[1]", "spec.allow[0].methods[1]");
  }

  @Test
  void gatewayNeedsTlsForHttpsAndKnownHosts() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: IngressGateway
            metadata: {name: gw, organization: o, tenant: t, workspace: w, group: g}
            spec:
              workloadSelector: {istio: ingressgateway}
              servers:
                - {port: 443, protocol: HTTPS, hosts: [shop.example.com]}
                - {port: 443, protocol: HTTP, hosts: ["*.example.com"]}
              routes:
                - {host: shop.example.org, service: shop/web, port: 8080}
            """);
    assertThat(fields(ResourceValidator.checkAlone(r)))
        .containsExactlyInAnyOrder(
            "spec.servers[0].tls.mode", "spec.servers[1].port", "spec.routes[0].host");
  }

  @Test
  void gatewayWorkloadNamespaceMustBeADnsLabel() {
    String gateway =
        """
        apiVersion: trestle.dev/v1
        kind: IngressGateway
        metadata: {name: gw, organization: o, tenant: t, workspace: w, group: g}
        spec:
          workloadSelector: {istio: ingressgateway}
          workloadNamespace: %s
          servers:
            - {port: 80, protocol: HTTP, hosts: [shop.example.com]}
        """;
    assertThat(fields(ResourceValidator.checkAlone(doc(gateway.formatted("shop-ingress")))))
        .isEmpty();
    assertThat(fields(ResourceValidator.checkAlone(doc(gateway.formatted("Shop_Ingress")))))
        .containsExactly("spec.workloadNamespace");
  }

  @Test
  void durationsAcceptIstioForms() {
    assertThat(Durations.parse("250ms"))
        .hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(250));
    assertThat(Durations.parse("1m30s"))
        .hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(90));
    assertThat(Durations.parse("1.5s"))
        .hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(1500));
    assertThat(Durations.parse("5")).isEmpty();
    assertThat(Durations.parse("-1s")).isEmpty();
    assertThat(Durations.parse("1d")).isEmpty();
  }
}
