package dev.trestle.translator;

import static dev.trestle.translator.SecurityTranslationTest.setting;
import static dev.trestle.translator.SecurityTranslationTest.translate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JwtTranslationTest {
  static final String JWKS =
      "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\",\"x\":"
          + "\"D_nizFwHY6DGaqe3SDN3PHZ_4C5AW9xyRt_g9z2_9KA\",\"y\":"
          + "\"kFWjt-lB0Lz2o5QEomHdowbQgKpP14BdRm9gyORQJ6A\"}]}";

  private static JsonNode spec(DesiredObjects out, String kind, String ns, String action) {
    return Fixtures.objects(out, kind, ns).stream()
        .map(o -> o.tree().path("spec"))
        .filter(s -> action == null || s.path("action").asText().equals(action))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aServiceTokenPolicyBecomesRequestAuthenticationAndDenyRules() {
    var out =
        translate(
            setting(
                "api",
                """
                service: pay/api
                jwt:
                  required: true
                  issuers:
                    - issuer: "https://login.example"
                      audiences: [pay-api]
                      jwksUri: "https://login.example/keys"
                      fromHeaders: [{name: x-token, prefix: "Bearer "}]
                      fromParams: [access_token]
                    - issuer: "https://partners.example"
                      jwks: '%s'
                  claims:
                    - {claim: realm.roles, values: [payer, admin]}
                """
                    .formatted(JWKS)));
    JsonNode ra = spec(out, "RequestAuthentication", "pay", null);
    assertThat(ra.at("/selector/matchLabels/app").asText()).isEqualTo("api");
    assertThat(ra.at("/jwtRules/0/issuer").asText()).isEqualTo("https://login.example");
    assertThat(ra.at("/jwtRules/0/audiences/0").asText()).isEqualTo("pay-api");
    assertThat(ra.at("/jwtRules/0/jwksUri").asText()).isEqualTo("https://login.example/keys");
    assertThat(ra.at("/jwtRules/0/fromHeaders/0/prefix").asText()).isEqualTo("Bearer ");
    assertThat(ra.at("/jwtRules/0/fromParams/0").asText()).isEqualTo("access_token");
    assertThat(ra.at("/jwtRules/1/jwks").asText()).isEqualTo(JWKS);

    JsonNode deny = spec(out, "AuthorizationPolicy", "pay", "DENY");
    assertThat(deny.at("/rules/0/from/0/source/notRequestPrincipals").toString())
        .isEqualTo("[\"https://login.example/*\",\"https://partners.example/*\"]");
    assertThat(deny.at("/rules/1/when/0/key").asText())
        .isEqualTo("request.auth.claims[realm][roles]");
    assertThat(deny.at("/rules/1/when/0/notValues").toString()).isEqualTo("[\"payer\",\"admin\"]");
  }

  @Test
  void anOptionalTokenPolicyOnlyValidatesTokensForTheWholeNamespace() {
    var out =
        translate(
            setting(
                "base",
                "jwt: {issuers: [{issuer: \"https://login.example\", jwksUri:"
                    + " \"https://login.example/k\"}]}\n"));
    JsonNode ra = spec(out, "RequestAuthentication", "pay", null);
    assertThat(ra.has("selector")).isFalse();
    // Not required and no claims: a request without a token passes, so no DENY policy.
    assertThat(Fixtures.objects(out, "AuthorizationPolicy", "pay")).isEmpty();
  }

  /** A gateway in namespace edge with an API server requiring tokens and a plain web server. */
  private static String gateway(String workspaceSelectors) {
    return """
    apiVersion: trestle.dev/v1
    kind: Workspace
    metadata: {name: shop, organization: org, tenant: t}
    spec: {namespaceSelectors: %s}
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
        - name: api
          port: 443
          protocol: HTTPS
          hosts: [api.example]
          tls: {mode: SIMPLE, credentialName: api-cert}
          jwt:
            required: true
            issuers: [{issuer: "https://login.example", jwksUri: "https://login.example/k"}]
        - {name: web, port: 80, protocol: HTTP, hosts: [shop.example]}
      routes:
        - {name: api, host: api.example, service: shop/api, port: 8080}
    """
        .formatted(workspaceSelectors);
  }

  @Test
  void aGatewayServerTokenPolicyIsLimitedToTheServersHosts() {
    var out =
        IstioTranslator.translate(
            Fixtures.snapshot(gateway("[\"*/shop\", \"*/edge\"]")),
            Fixtures.view("c1", "shop", "edge"));
    JsonNode ra = spec(out, "RequestAuthentication", "edge", null);
    assertThat(ra.at("/selector/matchLabels/istio").asText()).isEqualTo("ingressgateway");
    JsonNode deny = spec(out, "AuthorizationPolicy", "edge", "DENY");
    assertThat(deny.at("/rules/0/to/0/operation/hosts").toString())
        .isEqualTo("[\"api.example\",\"api.example:*\"]");
    assertThat(Fixtures.objects(out, "RequestAuthentication", "edge"))
        .as("one per server with a token policy")
        .hasSize(1);
    assertThat(Fixtures.objects(out, "RequestAuthentication", "shop")).isEmpty();
  }

  @Test
  void aGatewayNotPlacedHereGetsNoTokenObjects() {
    var out =
        IstioTranslator.translate(
            Fixtures.snapshot(gateway("[\"c2/edge\", \"c2/shop\"]")),
            Fixtures.view("c1", "shop", "edge"));
    assertThat(Fixtures.objects(out, "RequestAuthentication", "edge")).isEmpty();
    assertThat(Fixtures.objects(out, "AuthorizationPolicy", "edge")).isEmpty();
  }
}
