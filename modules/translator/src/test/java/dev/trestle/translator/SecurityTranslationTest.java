package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityTranslationTest {

  static final String SCOPE =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: pay, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/pay", "*/pay-jobs"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: sec, organization: org, tenant: t, workspace: pay}
      spec: {type: SECURITY, namespaceSelectors: ["*/pay"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/shop", "c2/shop-edge"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: shop-sec, organization: org, tenant: t, workspace: shop}
      spec: {type: SECURITY}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: empty, organization: org, tenant: t}
      spec: {namespaceSelectors: ["c9/nothing"]}
      """;

  static String setting(String name, String spec) {
    return ("apiVersion: trestle.dev/v1\nkind: SecuritySetting\n"
            + "metadata: {name: %s, organization: org, tenant: t, workspace: pay, group: sec}\n"
            + "spec:\n%s")
        .formatted(name, spec.indent(2));
  }

  static DesiredObjects translate(String... docs) {
    var all = new ArrayList<String>(List.of(SCOPE));
    all.addAll(List.of(docs));
    return IstioTranslator.translate(
        Fixtures.snapshot(all.toArray(String[]::new)),
        Fixtures.view("c1", "pay", "pay-jobs", "shop"));
  }

  static JsonNode spec(DesiredObjects out, String kind) {
    return Fixtures.only(out, kind, "pay").tree().path("spec");
  }

  @Test
  void aGroupWideSettingCoversEachNamespaceOfItsGroup() {
    var out = translate(setting("base", "mtlsMode: STRICT\nallow: [{fromNamespaces: [pay]}]\n"));
    JsonNode pa = spec(out, "PeerAuthentication");
    assertThat(pa.at("/mtls/mode").asText()).isEqualTo("STRICT");
    assertThat(pa.has("selector")).isFalse();
    JsonNode ap = spec(out, "AuthorizationPolicy");
    assertThat(ap.path("action").asText()).isEqualTo("ALLOW");
    assertThat(ap.has("selector")).isFalse();
    // The group selects */pay only: nothing for pay-jobs.
    assertThat(Fixtures.objects(out, "PeerAuthentication", "pay-jobs")).isEmpty();
  }

  @Test
  void aServiceSettingSelectsTheServicesWorkloads() {
    var out = translate(setting("api", "service: pay/api\nmtlsMode: PERMISSIVE\nallow: [{}]\n"));
    assertThat(spec(out, "PeerAuthentication").at("/selector/matchLabels/app").asText())
        .isEqualTo("api");
    assertThat(spec(out, "PeerAuthentication").at("/mtls/mode").asText()).isEqualTo("PERMISSIVE");
    JsonNode ap = spec(out, "AuthorizationPolicy");
    assertThat(ap.at("/selector/matchLabels/app").asText()).isEqualTo("api");
    // A rule naming no callers and no operations admits every request.
    assertThat(ap.path("rules")).hasSize(1);
    assertThat(ap.at("/rules/0").size()).isZero();
  }

  @Test
  void noAllowRulesMeansNoAuthorizationPolicyAndNoModeMeansNoPeerAuthentication() {
    var out =
        translate(
            setting("only-mtls", "mtlsMode: STRICT\n"), setting("nothing", "service: pay/x\n"));
    assertThat(Fixtures.objects(out, "AuthorizationPolicy", "pay")).isEmpty();
    assertThat(Fixtures.objects(out, "PeerAuthentication", "pay")).hasSize(1);
  }

  @Test
  void workspacesAndGroupsBecomeTheNamespaceNamesTheySelect() {
    var out =
        translate(
            setting(
                "api",
                """
                service: pay/api
                allow:
                  - fromWorkspaces: [organizations/org/tenants/t/workspaces/shop]
                    fromNamespaces: [ops]
                    fromPrincipals: [ns/batch/sa/job, other.domain/ns/x/sa/y]
                    paths: [/v1/*]
                    methods: [GET]
                    ports: [8080]
                  - fromGroups: [organizations/org/tenants/t/workspaces/shop/groups/shop-sec]
                """));
    JsonNode rule = spec(out, "AuthorizationPolicy").at("/rules/0");
    // shop here, plus shop-edge, a literal name selected in cluster c2 (identities carry no
    // cluster).
    assertThat(rule.at("/from/0/source/namespaces").toString())
        .isEqualTo("[\"ops\",\"shop\",\"shop-edge\"]");
    // A principal without a trust domain gets the cluster's (no tenant securityDomain here).
    assertThat(rule.at("/from/1/source/principals").toString())
        .isEqualTo("[\"cluster.local/ns/batch/sa/job\",\"other.domain/ns/x/sa/y\"]");
    assertThat(rule.at("/to/0/operation/ports/0").isTextual()).isTrue();
    assertThat(rule.at("/to/0/operation/ports/0").asText()).isEqualTo("8080");
    assertThat(spec(out, "AuthorizationPolicy").at("/rules/1/from/0/source/namespaces").toString())
        .isEqualTo("[\"shop\",\"shop-edge\"]");
  }

  @Test
  void aRuleWhoseCallersResolveToNothingIsDroppedAndThePolicyFailsClosed() {
    var out =
        translate(
            setting(
                "api",
                """
                service: pay/api
                allow:
                  - name: from-empty
                    fromWorkspaces: [organizations/org/tenants/t/workspaces/empty]
                  - name: from-missing
                    fromGroups: [organizations/org/tenants/t/workspaces/shop/groups/missing]
                """));
    JsonNode ap = spec(out, "AuthorizationPolicy");
    // An ALLOW policy without rules admits nobody; an empty `from` would have admitted everybody.
    assertThat(ap.path("action").asText()).isEqualTo("ALLOW");
    assertThat(ap.has("rules")).isFalse();
    assertThat(out.diagnostics().stream().map(Diagnostic::message))
        .anySatisfy(
            m -> assertThat(m).contains("allow rule 'from-empty'").contains("admits nobody"))
        .anySatisfy(m -> assertThat(m).contains("groups/missing is not in the snapshot"));
  }

  @Test
  void barePrincipalsUseTheTenantsSecurityDomainAndAMismatchIsReported() {
    String base =
        Fixtures.BASE.replace(
            "metadata: {name: t, organization: org}",
            "metadata: {name: t, organization: org}\nspec: {securityDomain: corp.mesh}");
    var snapshot =
        ConfigSnapshot.of(
            Fixtures.parse(
                base
                    + "---\n"
                    + SCOPE
                    + "---\n"
                    + setting(
                        "api", "service: pay/api\nallow: [{fromPrincipals: [ns/a/sa/b]}]\n")));
    var out = IstioTranslator.translate(snapshot, Fixtures.view("c1", "pay"));
    assertThat(spec(out, "AuthorizationPolicy").at("/rules/0/from/0/source/principals/0").asText())
        .isEqualTo("corp.mesh/ns/a/sa/b");
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("differs from cluster c1"));
  }

  @Test
  void aServiceSettingNextToAGroupWideOneIsReportedAsAddingCallers() {
    var out =
        translate(
            setting("base", "allow: [{fromNamespaces: [pay]}]\n"),
            setting("webhooks", "service: pay/webhooks\nallow: [{fromNamespaces: [edge]}]\n"));
    assertThat(Fixtures.objects(out, "AuthorizationPolicy", "pay")).hasSize(2);
    assertThat(out.diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.message()).contains("Istio ORs ALLOW policies"));
  }

  @Test
  void twoModesForOneTargetKeepTheFirstByFqn() {
    var out = translate(setting("a", "mtlsMode: STRICT\n"), setting("b", "mtlsMode: DISABLE\n"));
    assertThat(spec(out, "PeerAuthentication").at("/mtls/mode").asText()).isEqualTo("STRICT");
    assertThat(out.diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.source()).endsWith("/b"));
  }
}
