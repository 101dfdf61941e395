package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class WasmTranslationTest {
  private static final String SCOPE =
      """
      apiVersion: trestle.dev/v1
      kind: Tenant
      metadata: {name: other, organization: org}
      ---
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/shop", "*/edge"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: sec, organization: org, tenant: t, workspace: shop}
      spec: {type: SECURITY, namespaceSelectors: ["*/shop"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: gw, organization: org, tenant: t, workspace: shop}
      spec: {type: GATEWAY, namespaceSelectors: ["*/edge"]}
      ---
      apiVersion: trestle.dev/v1
      kind: WasmExtension
      metadata: {name: headers, organization: org}
      spec:
        url: oci://registry.example/wasm/headers:1.0
        sha256: 1111111111111111111111111111111111111111111111111111111111111111
        phase: STATS
        priority: 5
        defaultConfig: {header: x-a, level: info}
        allowedTenants: [t]
      ---
      apiVersion: trestle.dev/v1
      kind: WasmExtension
      metadata: {name: others-only, organization: org}
      spec:
        url: https://files.example/others.wasm
        sha256: 2222222222222222222222222222222222222222222222222222222222222222
        allowedTenants: [other]
      """;

  private static final String SETTING =
      """
      apiVersion: trestle.dev/v1
      kind: SecuritySetting
      metadata: {name: api, organization: org, tenant: t, workspace: shop, group: sec}
      spec:
        service: shop/api
        extensions:
          - extension: organizations/org/wasmextensions/headers
            config: {level: debug}
          - extension: organizations/org/wasmextensions/others-only
        waf:
          mode: DETECT
          directives: ["Include @owasp_crs/*.conf", "SecRuleRemoveById 920350"]
      """;

  private static final String GATEWAY =
      """
      apiVersion: trestle.dev/v1
      kind: IngressGateway
      metadata: {name: front, organization: org, tenant: t, workspace: shop, group: gw}
      spec:
        workloadNamespace: edge
        workloadSelector: {istio: ingressgateway}
        servers: [{port: 80, protocol: HTTP, hosts: [api.example]}]
        extensions: [{extension: organizations/org/wasmextensions/headers}]
        waf: {mode: BLOCK, directives: ["Include @owasp_crs/*.conf"]}
      """;

  private static final WafModule WAF =
      new WafModule(
          "oci://ghcr.io/corazawaf/coraza-proxy-wasm:0.5.0",
          "3333333333333333333333333333333333333333333333333333333333333333");

  private static DesiredObjects translate(WafModule waf, String... docs) {
    var all = new java.util.ArrayList<String>(List.of(SCOPE));
    all.addAll(List.of(docs));
    var out =
        IstioTranslator.translate(
            Fixtures.snapshot(all.toArray(String[]::new)),
            Fixtures.view("c1", "shop", "edge"),
            List.of(),
            waf);
    IstioSchemaCheck.assertAdmitted(out);
    return out;
  }

  @Test
  void anAttachedExtensionBecomesAWasmPluginOnTheServiceWorkloadsWithMergedConfig() {
    var out = translate(WAF, SETTING);
    var plugins = Fixtures.objects(out, "WasmPlugin", "shop");
    JsonNode headers =
        plugins.stream()
            .map(DesiredObject::tree)
            .filter(t -> t.at("/spec/url").asText().contains("headers"))
            .findFirst()
            .orElseThrow();
    assertThat(headers.at("/spec/sha256").asText()).startsWith("1111");
    assertThat(headers.at("/spec/phase").asText()).isEqualTo("STATS");
    assertThat(headers.at("/spec/priority").asInt()).isEqualTo(5);
    assertThat(headers.at("/spec/selector/matchLabels/app").asText()).isEqualTo("api");
    assertThat(headers.at("/spec/pluginConfig/header").asText()).isEqualTo("x-a");
    assertThat(headers.at("/spec/pluginConfig/level").asText()).isEqualTo("debug");
    assertThat(headers.at("/metadata/annotations/trestle.dev~1inputs").asText())
        .contains("organizations/org/wasmextensions/headers@1");
  }

  @Test
  void anExtensionThatDoesNotAllowTheTenantIsNotRunAndSaysSo() {
    var out = translate(WAF, SETTING);
    assertThat(Fixtures.objects(out, "WasmPlugin", "shop"))
        .noneMatch(o -> o.json().contains("others.wasm"));
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("does not allow tenant 't'"));
  }

  @Test
  void aWafPolicyRunsThePinnedCorazaModuleWithTheModesRuleEngine() {
    var out = translate(WAF, SETTING, GATEWAY);
    JsonNode sidecar =
        Fixtures.objects(out, "WasmPlugin", "shop").stream()
            .map(DesiredObject::tree)
            .filter(t -> t.at("/spec/url").asText().contains("coraza"))
            .findFirst()
            .orElseThrow();
    assertThat(sidecar.at("/spec/sha256").asText()).startsWith("3333");
    assertThat(sidecar.at("/spec/pluginConfig/directives_map/default/0").asText())
        .isEqualTo("SecRuleEngine DetectionOnly");
    assertThat(sidecar.at("/spec/pluginConfig/directives_map/default/1").asText())
        .isEqualTo("Include @owasp_crs/*.conf");
    assertThat(sidecar.at("/spec/pluginConfig/default_directives").asText()).isEqualTo("default");

    var atGateway = Fixtures.objects(out, "WasmPlugin", "edge");
    assertThat(atGateway).hasSize(2);
    JsonNode gatewayWaf =
        atGateway.stream()
            .map(DesiredObject::tree)
            .filter(t -> t.at("/spec/url").asText().contains("coraza"))
            .findFirst()
            .orElseThrow();
    assertThat(gatewayWaf.at("/spec/pluginConfig/directives_map/default/0").asText())
        .isEqualTo("SecRuleEngine On");
    assertThat(gatewayWaf.at("/spec/selector/matchLabels/istio").asText())
        .isEqualTo("ingressgateway");
  }

  @Test
  void withoutAPinnedWafModuleNoWafPluginIsEmittedAndTheReasonIsGiven() {
    var out = translate(WafModule.NONE, SETTING);
    assertThat(Fixtures.objects(out, "WasmPlugin", "shop"))
        .noneMatch(o -> o.json().contains("SecRuleEngine"));
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("no WAF module configured"));
  }
}
