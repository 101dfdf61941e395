package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Problem;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Apply-time refusals of the policy kinds and fields: rate limits, Wasm, WAF, OpenAPI. */
class PolicyRulesTest {
  private static Resource doc(String yaml) {
    ParsedDocument d = ResourceDocuments.parse(yaml).get(0);
    assertThat(d.error()).as("parse").isNull();
    return d.resource();
  }

  private static Map<String, String> violations(String yaml) {
    var out = new java.util.TreeMap<String, String>();
    for (Problem.Violation v : ResourceValidator.checkAlone(doc(yaml))) {
      out.merge(v.field(), v.description(), (a, b) -> a + " | " + b);
    }
    return out;
  }

  private static final String GROUP_META =
      "{name: x, organization: o, tenant: t, workspace: w, group: g}";

  @Test
  void rateLimitsAreRefusedWithTheFieldAtFault() {
    var v =
        violations(
            """
            apiVersion: trestle.dev/v1
            kind: ServiceRoute
            metadata: %s
            spec:
              service: shop/api
              rateLimit:
                local: {requests: 0, interval: 10ms, burst: 0}
                global:
                  service: nope
                  rules:
                    - {name: a, keys: [], requestsPerUnit: 0}
                    - {name: a, keys: [{header: "Bad Header"}, {}], requestsPerUnit: 1, unit: DAY}
            """
                .formatted(GROUP_META));
    assertThat(v)
        .containsKeys(
            "spec.rateLimit.local.requests",
            "spec.rateLimit.local.interval",
            "spec.rateLimit.global.service",
            "spec.rateLimit.global.rules[0].keys",
            "spec.rateLimit.global.rules[0].requestsPerUnit",
            "spec.rateLimit.global.rules[0].unit",
            "spec.rateLimit.global.rules[1].name",
            "spec.rateLimit.global.rules[1].keys[0].header",
            "spec.rateLimit.global.rules[1].keys[1]");
    assertThat(v.get("spec.rateLimit.local.interval")).contains("50ms");
  }

  @Test
  void aRateLimitedGatewayRouteNeedsAName() {
    var v =
        violations(
            """
            apiVersion: trestle.dev/v1
            kind: IngressGateway
            metadata: %s
            spec:
              workloadSelector: {istio: ingressgateway}
              servers: [{port: 80, protocol: HTTP, hosts: [a.example]}]
              routes:
                - {host: a.example, service: shop/a, rateLimit: {local: {requests: 1, interval: 1s}}}
                - host: a.example
                  service: shop/a
                  cors: {allowOrigins: ["ftp://x"], allowMethods: [FETCH], maxAge: soon}
            """
                .formatted(GROUP_META));
    assertThat(v)
        .containsOnlyKeys(
            "spec.routes[0].name",
            "spec.routes[1].cors.allowOrigins[0]",
            "spec.routes[1].cors.allowMethods[0]",
            "spec.routes[1].cors.maxAge");
  }

  @Test
  void aCatalogEntryNeedsAPinnedDigestAndAnOciOrHttpsUrl() {
    var v =
        violations(
            """
            apiVersion: trestle.dev/v1
            kind: WasmExtension
            metadata: {name: x, organization: o}
            spec:
              url: http://files.example/x.wasm
              sha256: "sha256:abc"
              priority: -1
              allowedTenants: [Bad_Tenant, "*", "*"]
            """);
    assertThat(v)
        .containsOnlyKeys(
            "spec.url",
            "spec.sha256",
            "spec.priority",
            "spec.allowedTenants[0]",
            "spec.allowedTenants[2]");
    assertThat(v.get("spec.url")).contains("oci:// or https://");
  }

  @Test
  void attachmentsNameCatalogEntriesOnce() {
    var v =
        violations(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: %s
            spec:
              extensions:
                - {extension: organizations/o/tenants/t}
                - {extension: organizations/o/wasmextensions/a}
                - {extension: organizations/o/wasmextensions/a}
            """
                .formatted(GROUP_META));
    assertThat(v).containsOnlyKeys("spec.extensions[0]", "spec.extensions[2]");
  }

  @Test
  void wafPoliciesWithObviouslyMalformedDirectivesAreRefused() {
    var v =
        violations(
            """
            apiVersion: trestle.dev/v1
            kind: SecuritySetting
            metadata: %s
            spec:
              waf:
                directives:
                  - ""
                  - "Include @owasp_crs/*.conf"
                  - "SecRuleEngine Off"
                  - "DROP TABLE rules"
                  - 'SecRule ARGS "@rx attack" "id:1,deny'
                  - "Include a\\nInclude b"
            """
                .formatted(GROUP_META));
    assertThat(v)
        .containsOnlyKeys(
            "spec.waf.mode",
            "spec.waf.directives[0]",
            "spec.waf.directives[2]",
            "spec.waf.directives[3]",
            "spec.waf.directives[4]",
            "spec.waf.directives[5]");
    assertThat(v.get("spec.waf.mode")).contains("DETECT or BLOCK");
    assertThat(
            violations(
                """
                apiVersion: trestle.dev/v1
                kind: IngressGateway
                metadata: %s
                spec:
                  workloadSelector: {istio: ingressgateway}
                  servers: [{port: 80, protocol: HTTP, hosts: [a.example]}]
                  waf: {mode: BLOCK}
                """
                    .formatted(GROUP_META)))
        .containsOnlyKeys("spec.waf.directives");
  }

  private static String api(String openapi) {
    return """
    apiVersion: trestle.dev/v1
    kind: ApiDefinition
    metadata: {name: reviews, organization: o, tenant: t, workspace: w, group: g}
    spec:
      gateway: organizations/o/tenants/t/workspaces/w/groups/g/ingressgateways/front
      openapi: |
    %s\
    """
        .formatted(openapi.indent(4));
  }

  @Test
  void anApiDefinitionIsParsedAtApplyTime() {
    String good =
        """
        openapi: 3.0.3
        info: {title: x, version: "1"}
        servers: [{url: "https://api.example/v1"}]
        x-trestle-service: shop/api
        paths:
          /a/{id}:
            parameters: [{name: id, in: path, required: true, schema: {type: string}}]
            get: {responses: {"200": {description: OK}}}
        """;
    assertThat(violations(api(good))).isEmpty();

    var remote =
        violations(
            api(
                good.replace(
                    "{description: OK}",
                    "{description: OK, content: {application/json: {schema: {$ref:"
                        + " 'https://x.example/s.yaml'}}}}")));
    assertThat(remote).containsOnlyKeys("spec.openapi");
    assertThat(remote.get("spec.openapi")).contains("refused").contains("https://x.example/s.yaml");

    var malformed = violations(api(good.replace("paths:", "paths: [")));
    assertThat(malformed.get("spec.openapi")).contains("line");

    var badLimit =
        violations(
            api(
                good.replace(
                    "x-trestle-service: shop/api",
                    "x-trestle-service: shop/api\n"
                        + "x-trestle-rate-limit: {local: {requests: 0, interval: 1s}}")));
    assertThat(badLimit)
        .containsOnlyKeys(
            "spec.openapi route 'reviews-get-a-id' (api.example).rateLimit.local.requests");

    var otherGroup =
        violations(
            api(good)
                .replace("groups/g/ingressgateways/front", "groups/other/ingressgateways/front"));
    assertThat(otherGroup).containsOnlyKeys("spec.gateway");
  }

  private static final String JWT_DOC =
      """
      openapi: 3.0.3
      info: {title: x, version: "1"}
      servers:
        - url: "https://api.example/v1"
          x-trestle-tls: {mode: SIMPLE, credentialName: api-cert, minProtocolVersion: TLSV1_3}
      x-trestle-service: shop/api
      x-trestle-jwt:
        required: true
        issuers:
          - issuer: https://login.example
            jwks: {keys: [{kty: EC, crv: P-256, x: D_nizFwHY6DGaqe3SDN3PHZ_4C5AW9xyRt_g9z2_9KA, y: kFWjt-lB0Lz2o5QEomHdowbQgKpP14BdRm9gyORQJ6A}]}
      paths:
        /a:
          get: {responses: {"200": {description: OK}}}
      """;

  @Test
  void anApisTlsAndJwtExtensionsAreCheckedLikeAGatewayServersWithTheirPlaceInTheDocument() {
    assertThat(violations(api(JWT_DOC))).isEmpty();

    assertThat(violations(api(JWT_DOC.replace("issuer: https://login.example", "issuer: ' '"))))
        .containsOnlyKeys("spec.openapi: x-trestle-jwt.issuers[0].issuer");

    // a private key in the JWKS: refused, and the key material is never echoed
    String privateKey = "d: jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
    var leaked =
        violations(
            api(
                JWT_DOC.replace(
                    "y: kFWjt-lB0Lz2o5QEomHdowbQgKpP14BdRm9gyORQJ6A}",
                    "y: kFWjt-lB0Lz2o5QEomHdowbQgKpP14BdRm9gyORQJ6A, " + privateKey + "}")));
    assertThat(leaked).containsOnlyKeys("spec.openapi: x-trestle-jwt.issuers[0].jwks.keys[0]");
    assertThat(leaked.toString()).doesNotContain("jpsQnnGQ").doesNotContain("D_nizFwHY6");

    var notJwks =
        violations(api(JWT_DOC.replace("jwks: {keys: [{kty: EC", "jwks: {kes: [{kty: EC")));
    assertThat(notJwks).containsOnlyKeys("spec.openapi: x-trestle-jwt.issuers[0].jwks");
    assertThat(notJwks.toString()).doesNotContain("D_nizFwHY6");

    assertThat(
            violations(
                api(JWT_DOC.replace("mode: SIMPLE, credentialName: api-cert, ", "mode: SIMPLE, "))))
        .containsOnlyKeys("spec.openapi: servers[0].x-trestle-tls.credentialName");
    assertThat(violations(api(JWT_DOC.replace("TLSV1_3", "TLSV1_0"))))
        .containsOnlyKeys("spec.openapi: servers[0].x-trestle-tls.minProtocolVersion");
    assertThat(violations(api(JWT_DOC.replace("mode: SIMPLE", "mode: PASSTHROUGH"))))
        .containsOnlyKeys("spec.openapi: servers[0].x-trestle-tls.mode");

    var stray =
        violations(
            api(
                JWT_DOC.replace(
                    "get: {responses:", "get: {x-trestle-tls: {mode: SIMPLE}, responses:")));
    assertThat(stray).containsOnlyKeys("spec.openapi");
    assertThat(stray.get("spec.openapi"))
        .contains("paths.'/a'(get).x-trestle-tls: is not read here");
  }
}
