package dev.trestle.translator.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.TlsMode;
import org.junit.jupiter.api.Test;

class ApiTlsJwtExtensionsTest {
  private static final String DOC =
      """
      openapi: 3.0.3
      info: {title: Shop, version: "1"}
      servers:
        - url: "https://api.example/v2"
        - url: "https://own.example:8443/v2"
          x-trestle-tls: {mode: MUTUAL, credentialName: own-cert}
        - url: "http://plain.example"
      x-trestle-service: shop/api
      x-trestle-tls: {mode: SIMPLE, credentialName: api-cert, minProtocolVersion: TLSV1_3}
      x-trestle-jwt:
        issuers:
          - issuer: https://login.example
            jwks: {keys: [{kty: EC, crv: P-256, x: D_nizFwHY6DGaqe3SDN3PHZ_4C5AW9xyRt_g9z2_9KA, y: kFWjt-lB0Lz2o5QEomHdowbQgKpP14BdRm9gyORQJ6A}]}
      paths:
        /items/{id}:
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          get:
            operationId: getItem
            x-trestle-jwt: {required: true, issuers: [{issuer: https://other.example, jwksUri: "https://other.example/keys"}]}
            responses: {"200": {description: OK}}
        /items/search:
          get: {operationId: searchItems, responses: {"200": {description: OK}}}
      """;

  @Test
  void tlsComesFromTheServerElseTheDocumentAndOnlyForHttpsServers() {
    var result = ApiRoutes.of("shop", DOC);
    assertThat(result.problems()).isEmpty();
    assertThat(result.tls())
        .extracting(
            t ->
                t.where()
                    + " "
                    + t.host()
                    + ":"
                    + t.port()
                    + " "
                    + t.tls().getMode()
                    + " "
                    + t.tls().getCredentialName()
                    + " "
                    + t.tls().getMinProtocolVersion())
        .containsExactly(
            "x-trestle-tls api.example:443 SIMPLE api-cert TLSV1_3",
            "servers[1].x-trestle-tls own.example:8443 MUTUAL own-cert ");
  }

  @Test
  void theNearestJwtPolicyCoversEachRouteWithAnAuthorizationPolicyPath() {
    var result = ApiRoutes.of("shop", DOC);
    var get = result.jwt().get("shop-get-item-api-example");
    assertThat(get.where()).isEqualTo("paths.'/items/{id}'(get).x-trestle-jwt");
    assertThat(get.policy().getRequired()).isTrue();
    assertThat(get.policy().getIssuers(0).getIssuer()).isEqualTo("https://other.example");
    assertThat(get.authzPath()).isEqualTo("/v2/items/*");

    var search = result.jwt().get("shop-search-items-plain-example");
    assertThat(search.where()).isEqualTo("x-trestle-jwt");
    assertThat(search.authzPath()).isEqualTo("/items/search");
    // a JWKS written as an object is kept as JSON text
    assertThat(search.policy().getIssuers(0).getJwks()).startsWith("{\"keys\":[{\"kty\":\"EC\"");
    assertThat(result.jwt()).hasSize(result.routes().size());
  }

  @Test
  void tlsOnAnHttpServerAndMalformedExtensionsAreProblems() {
    var http =
        ApiRoutes.of(
            "shop",
            DOC.replace(
                "- url: \"http://plain.example\"",
                "- url: \"http://plain.example\"\n    x-trestle-tls: {mode: SIMPLE}"));
    assertThat(http.routes()).isEmpty();
    assertThat(http.problems())
        .containsExactly(
            "servers[2].x-trestle-tls: TLS needs an https:// server URL, not"
                + " 'http://plain.example'");

    var badTls = ApiRoutes.of("shop", DOC.replace("mode: MUTUAL", "mode: SOMETIMES"));
    assertThat(badTls.problems())
        .singleElement()
        .satisfies(
            p -> assertThat(p).startsWith("servers[1].x-trestle-tls: ").contains("SOMETIMES"));

    var badJwt =
        ApiRoutes.of("shop", DOC.replace("{required: true, issuers", "{needed: true, issuers"));
    assertThat(badJwt.routes()).isEmpty();
    assertThat(badJwt.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("paths.'/items/{id}'(get).x-trestle-jwt: ")
                    .contains("needed"));
    assertThat(ApiRoutes.of("shop", DOC).tls().get(1).tls().getMode()).isEqualTo(TlsMode.MUTUAL);
  }

  @Test
  void trestleExtensionsWhereTheyAreNotReadAreStray() {
    var result =
        ApiRoutes.of(
            "shop",
            DOC.replace(
                    "operationId: searchItems,",
                    "operationId: searchItems, x-trestle-tls: {mode: SIMPLE}, x-trestle-retries:"
                        + " 3,")
                .replace("x-trestle-service: shop/api", "x-trestle-service: shop/api\nx-other: 1"));
    assertThat(result.problems()).isEmpty();
    assertThat(result.routes()).isNotEmpty();
    assertThat(result.stray())
        .containsExactly(
            "paths.'/items/search'(get).x-trestle-retries: is not a Trestle extension; known:"
                + " x-trestle-cors, x-trestle-jwt, x-trestle-port, x-trestle-rate-limit,"
                + " x-trestle-service, x-trestle-timeout, x-trestle-tls",
            "paths.'/items/search'(get).x-trestle-tls: is not read here; x-trestle-tls is read on"
                + " the document and on servers[]");
  }
}
