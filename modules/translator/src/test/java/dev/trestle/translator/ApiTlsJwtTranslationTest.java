package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an API definition's {@code x-trestle-tls} and {@code x-trestle-jwt} add to its gateway. */
class ApiTlsJwtTranslationTest {
  private static final String SCOPE =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: shop, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/shop", "*/edge"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: gw, organization: org, tenant: t, workspace: shop}
      spec: {type: GATEWAY}
      ---
      apiVersion: trestle.dev/v1
      kind: IngressGateway
      metadata: {name: front, organization: org, tenant: t, workspace: shop, group: gw}
      spec:
        workloadNamespace: edge
        workloadSelector: {istio: ingressgateway}
        servers:
          - {name: https, port: 443, protocol: HTTPS, hosts: [api.example],
             tls: {mode: SIMPLE, credentialName: api-cert}}
          - {name: plain, port: 80, protocol: HTTP, hosts: ["*"]}
      """;

  private static String api(String servers, String extra) {
    return """
    apiVersion: trestle.dev/v1
    kind: ApiDefinition
    metadata: {name: items, organization: org, tenant: t, workspace: shop, group: gw}
    spec:
      gateway: organizations/org/tenants/t/workspaces/shop/groups/gw/ingressgateways/front
      openapi: |
        openapi: 3.0.3
        info: {title: Items, version: "1"}
        servers:
    %s
        x-trestle-service: shop/api
    %s
        paths:
          /items/{id}:
            parameters: [{name: id, in: path, required: true, schema: {type: string}}]
            get: {operationId: getItem, responses: {"200": {description: OK}}}
            put:
              operationId: putItem
              x-trestle-jwt:
                required: true
                issuers: [{issuer: "https://login.example", jwksUri: "https://login.example/keys"}]
                claims: [{claim: scope, values: [items.write]}]
              responses: {"200": {description: OK}}
          /items/search:
            get: {operationId: searchItems, responses: {"200": {description: OK}}}
    """
        .formatted(servers.indent(6).stripTrailing(), extra.indent(4).stripTrailing());
  }

  private static DesiredObjects translate(String... docs) {
    var all = new ArrayList<String>(List.of(SCOPE));
    all.addAll(List.of(docs));
    var view = Fixtures.view("c1", "shop", "edge");
    var out = IstioTranslator.translate(Fixtures.snapshot(all.toArray(String[]::new)), view);
    assertThat(IstioAnalysis.problems(out, view)).as("istioctl-analyze-style checks").isEmpty();
    IstioSchemaCheck.assertAdmitted(out);
    return out;
  }

  @Test
  void tlsAddsAnHttpsServerForTheApisOwnHostWhoseRoutesAreThenServed() {
    var out =
        translate(
            api(
                """
                - url: https://items.example/v1
                  x-trestle-tls: {mode: SIMPLE, credentialName: items-cert, minProtocolVersion: TLSV1_3}
                """,
                ""));
    JsonNode gw = Fixtures.only(out, "Gateway", "edge").tree();
    JsonNode added = gw.at("/spec/servers/2");
    assertThat(added.at("/hosts/0").asText()).isEqualTo("items.example");
    assertThat(added.at("/port/number").asInt()).isEqualTo(443);
    assertThat(added.at("/port/protocol").asText()).isEqualTo("HTTPS");
    assertThat(added.at("/tls/mode").asText()).isEqualTo("SIMPLE");
    assertThat(added.at("/tls/credentialName").asText()).isEqualTo("items-cert");
    assertThat(added.at("/tls/minProtocolVersion").asText()).isEqualTo("TLSV1_3");
    assertThat(gw.at("/metadata/annotations").get("trestle.dev/inputs").asText())
        .contains("apidefinitions/items@");
    assertThat(Fixtures.objects(out, "VirtualService", "edge"))
        .anySatisfy(
            vs -> assertThat(vs.tree().at("/spec/hosts/0").asText()).isEqualTo("items.example"));
    assertThat(out.diagnostics()).isEmpty();
  }

  @Test
  void tlsForAHostTheGatewayAlreadyServesOnThatPortIsLeftOutAndReported() {
    var out =
        translate(
            api(
                """
                - url: https://api.example/v1
                  x-trestle-tls: {mode: SIMPLE, credentialName: other-cert}
                """,
                ""));
    assertThat(Fixtures.only(out, "Gateway", "edge").tree().at("/spec/servers").size())
        .isEqualTo(2);
    assertThat(out.diagnostics())
        .anySatisfy(
            d ->
                assertThat(d.message())
                    .contains("servers[0].x-trestle-tls: no server of its own for api.example:443")
                    .contains("clash with server 'https'"));
    // its routes are still served by the gateway's own server
    assertThat(Fixtures.objects(out, "VirtualService", "edge")).isNotEmpty();
  }

  @Test
  void jwtBecomesRulesAtTheGatewayScopedToTheCoveredHostsPathsAndMethods() {
    var out = translate(api("- url: https://api.example/v1", ""));
    var ra = Fixtures.objects(out, "RequestAuthentication", "edge");
    assertThat(ra).singleElement();
    JsonNode raTree = ra.get(0).tree();
    assertThat(raTree.at("/spec/selector/matchLabels/istio").asText()).isEqualTo("ingressgateway");
    assertThat(raTree.at("/spec/jwtRules/0/jwksUri").asText())
        .isEqualTo("https://login.example/keys");
    assertThat(raTree.at("/metadata/labels").get("trestle.dev/source-kind").asText())
        .isEqualTo("ApiDefinition");

    var deny = Fixtures.objects(out, "AuthorizationPolicy", "edge");
    assertThat(deny).singleElement();
    JsonNode rules = deny.get(0).tree().at("/spec/rules");
    assertThat(deny.get(0).tree().at("/spec/action").asText()).isEqualTo("DENY");
    assertThat(rules.size()).isEqualTo(2); // token required, and the scope claim
    for (JsonNode rule : rules) {
      JsonNode op = rule.at("/to/0/operation");
      assertThat(rule.at("/to").size()).isEqualTo(1);
      assertThat(op.at("/hosts").toString()).isEqualTo("[\"api.example\",\"api.example:*\"]");
      assertThat(op.at("/paths").toString()).isEqualTo("[\"/v1/items/*\"]");
      assertThat(op.at("/methods").toString()).isEqualTo("[\"PUT\"]");
    }
    assertThat(rules.at("/0/from/0/source/notRequestPrincipals/0").asText())
        .isEqualTo("https://login.example/*");
    assertThat(rules.at("/1/when/0/key").asText()).isEqualTo("request.auth.claims[scope]");
  }

  @Test
  void aDocumentWideJwtCoversEveryRouteOfTheApi() {
    var out =
        translate(
            api(
                "- url: https://api.example/v1",
                """
                x-trestle-jwt:
                  required: true
                  issuers: [{issuer: "https://login.example", jwksUri: "https://login.example/keys"}]
                """));
    var deny = Fixtures.objects(out, "AuthorizationPolicy", "edge");
    assertThat(deny).hasSize(2); // the document's, and putItem's own (nearest wins)
    JsonNode documentWide =
        deny.stream()
            .map(DesiredObject::tree)
            .filter(t -> t.at("/spec/rules/0/to").size() == 2)
            .findFirst()
            .orElseThrow();
    assertThat(documentWide.at("/spec/rules/0/to/0/operation/paths/0").asText())
        .isEqualTo("/v1/items/*");
    assertThat(documentWide.at("/spec/rules/0/to/0/operation/methods").toString())
        .isEqualTo("[\"GET\"]");
    assertThat(documentWide.at("/spec/rules/0/to/1/operation/paths/0").asText())
        .isEqualTo("/v1/items/search");
    assertThat(Fixtures.objects(out, "RequestAuthentication", "edge")).hasSize(2);
  }
}
