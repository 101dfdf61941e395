package dev.trestle.translator.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.trestle.protocol.v1.GatewayRoute;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {
  private static final String DOC =
      """
      openapi: 3.0.3
      info: {title: Shop, version: "1"}
      servers: [{url: "https://api.example/v2"}]
      x-trestle-service: shop/api
      x-trestle-port: 8080
      paths:
        /items/{id}:
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          get: {operationId: getItem, responses: {"200": {description: OK}}}
          delete: {responses: {"204": {description: gone}}}
        /items/search:
          get:
            operationId: searchItems
            x-trestle-rate-limit: {local: {requests: 5, interval: 1s}}
            responses: {"200": {description: OK}}
        /files/{name}.json:
          parameters: [{name: name, in: path, required: true, schema: {type: string}}]
          get: {operationId: getFile, x-trestle-service: shop/files, responses: {"200": {description: OK}}}
      """;

  @Test
  void pathsBecomeRoutesWithLiteralsBeforeTemplatesAndRe2Regexes() {
    var result = ApiRoutes.of("shop", DOC);
    assertThat(result.problems()).isEmpty();
    List<String> shown =
        result.routes().stream()
            .map(
                r ->
                    r.getName()
                        + " "
                        + r.getHost()
                        + " "
                        + r.getMatch(0).getMethod()
                        + " "
                        + (r.getMatch(0).getUri().hasExact()
                            ? "exact " + r.getMatch(0).getUri().getExact()
                            : "regex " + r.getMatch(0).getUri().getRegex())
                        + " "
                        + r.getService()
                        + ":"
                        + r.getPort())
            .toList();
    assertThat(shown)
        .containsExactly(
            "shop-get-file api.example GET regex /v2/files/[^/]+\\.json shop/files:8080",
            "shop-search-items api.example GET exact /v2/items/search shop/api:8080",
            "shop-delete-items-id api.example DELETE regex /v2/items/[^/]+ shop/api:8080",
            "shop-get-item api.example GET regex /v2/items/[^/]+ shop/api:8080");
    GatewayRoute search = result.routes().get(1);
    assertThat(search.getRateLimit().getLocal().getRequests()).isEqualTo(5);
  }

  @Test
  void aRemoteRefIsRefusedAndNothingIsFetched() throws IOException {
    var hits = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          hits.incrementAndGet();
          byte[] body = "{\"type\": \"object\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/schemas.yaml#/Item";
      String doc =
          DOC.replace(
              "get: {operationId: getItem, responses: {\"200\": {description: OK}}}",
              "get: {operationId: getItem, responses: {\"200\": {description: OK, content:"
                  + " {application/json: {schema: {$ref: \""
                  + url
                  + "\"}}}}}}");
      var result = ApiRoutes.of("shop", doc);
      assertThat(result.routes()).isEmpty();
      assertThat(result.problems())
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p)
                      .contains(
                          "paths./items/{id}.get.responses.200.content.application/json.schema.$ref")
                      .contains(url)
                      .contains("refused"));
      // and the parser itself, run with resolution off, does not fetch either
      var parsed = OpenApiDocument.parse(doc);
      assertThat(parsed.api()).isEmpty();
      assertThat(hits.get()).as("requests the local server saw").isZero();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aMalformedDocumentIsRefusedWithTheParsersMessagesAndLocations() {
    var bad = ApiRoutes.of("shop", "openapi: 3.0.3\ninfo: {title: x\npaths: {}\n");
    assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p).contains("line"));

    var invalid =
        ApiRoutes.of(
            "shop",
            """
            openapi: 3.0.3
            info: {title: x, version: "1"}
            servers: [{url: "https://api.example"}]
            x-trestle-service: shop/api
            paths:
              /a:
                get: {responses: 7}
            """);
    assertThat(invalid.routes()).isEmpty();
    assertThat(invalid.problems()).anySatisfy(p -> assertThat(p).contains("paths.'/a'(get)"));

    assertThat(ApiRoutes.of("shop", "swagger: '2.0'\ninfo: {title: x, version: '1'}\n").problems())
        .anySatisfy(p -> assertThat(p).contains("not an OpenAPI 3 version"));
  }

  @Test
  void everyOperationNeedsAServiceAndServersNeedAHost() {
    var result =
        ApiRoutes.of(
            "shop",
            """
            openapi: 3.0.3
            info: {title: x, version: "1"}
            servers: [{url: "/relative"}]
            paths:
              /a: {get: {responses: {"200": {description: OK}}}}
            """);
    assertThat(result.problems())
        .anySatisfy(p -> assertThat(p).contains("servers[0].url"))
        .anySatisfy(p -> assertThat(p).contains("paths.'/a'(get): x-trestle-service"));
  }

  @Test
  void literalSegmentsSortBeforeTemplatedOnes() {
    assertThat(ApiRoutes.literalFirst("/a/b", "/a/{x}")).isNegative();
    assertThat(ApiRoutes.literalFirst("/a/{x}/c", "/a/{x}")).isPositive();
    assertThat(ApiRoutes.regex("/v1/a.b/{id}")).isEqualTo("/v1/a\\.b/[^/]+");
  }
}
