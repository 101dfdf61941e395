package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarTranslationTest {

  private static final String SCOPE =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/shop", "*/shop-edge"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: pay, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/pay"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: sec, organization: org, tenant: t, workspace: pay}
      spec: {type: SECURITY}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: ledger, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/ledger"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: sec, organization: org, tenant: t, workspace: ledger}
      spec: {type: SECURITY}
      """;

  private static List<String> egress(DesiredObjects out, String namespace) {
    var hosts = new ArrayList<String>();
    Fixtures.only(out, "Sidecar", namespace)
        .tree()
        .at("/spec/egress/0/hosts")
        .forEach(h -> hosts.add(h.asText()));
    return hosts;
  }

  private static DesiredObjects translate(String... docs) {
    var all = new ArrayList<String>(List.of(SCOPE));
    all.addAll(List.of(docs));
    return IstioTranslator.translate(
        Fixtures.snapshot(all.toArray(String[]::new)),
        Fixtures.view("c1", "shop", "shop-edge", "pay", "ledger", "monitoring"));
  }

  @Test
  void aWorkspaceSeesItsOwnNamespacesAndTheControlPlaneOnly() {
    var out = translate();
    assertThat(egress(out, "shop")).containsExactly("./*", "istio-system/*", "shop-edge/*");
    assertThat(egress(out, "pay")).containsExactly("./*", "istio-system/*");
    // Namespaces outside every workspace get no Sidecar.
    assertThat(Fixtures.objects(out, "Sidecar", "monitoring")).isEmpty();
  }

  @Test
  void allowRulesOpenTheBoundaryForTheCallersTheyAdmit() {
    var out =
        translate(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: {name: base, organization: org, tenant: t, workspace: pay, group: sec}
            spec:
              allow: [{fromWorkspaces: [organizations/org/tenants/t/workspaces/shop]}]
            ---
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: {name: api, organization: org, tenant: t, workspace: ledger, group: sec}
            spec:
              service: ledger/ledger-api
              allow: [{fromPrincipals: [cluster.local/ns/pay/sa/checkout]}]
            """);
    // The whole pay namespace for shop (group-wide setting), one host for pay (service setting).
    assertThat(egress(out, "shop"))
        .containsExactly("./*", "istio-system/*", "pay/*", "shop-edge/*");
    assertThat(egress(out, "pay"))
        .containsExactly("./*", "istio-system/*", "ledger/ledger-api.ledger.svc.cluster.local");
    // ledger is admitted by nothing.
    assertThat(egress(out, "ledger")).containsExactly("./*", "istio-system/*");
    assertThat(Fixtures.only(out, "Sidecar", "pay").inputs())
        .anySatisfy(i -> assertThat(i).contains("securitysettings/api@"));
  }

  @Test
  void aRuleNamingNoCallersOpensTheServiceToEveryWorkspace() {
    var out =
        translate(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: {name: api, organization: org, tenant: t, workspace: ledger, group: sec}
            spec:
              service: ledger/status
              allow: [{paths: [/health]}]
            """);
    assertThat(egress(out, "shop")).contains("ledger/status.ledger.svc.cluster.local");
    assertThat(egress(out, "pay")).contains("ledger/status.ledger.svc.cluster.local");
  }
}
