package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitTranslationTest {
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
      kind: Group
      metadata: {name: traffic, organization: org, tenant: t, workspace: shop}
      spec: {type: TRAFFIC, namespaceSelectors: ["*/shop"]}
      """;

  private static final String LIMITED_SERVICE =
      """
      apiVersion: trestle.dev/v1
      kind: ServiceRoute
      metadata: {name: api, organization: org, tenant: t, workspace: shop, group: traffic}
      spec:
        service: shop/api
        subsets: [{name: v1, labels: {v: "1"}}]
        rateLimit:
          local: {requests: 100, interval: 1s, burst: 150}
          global:
            service: edge/ratelimit
            domain: shop
            rules:
              - name: per-user
                keys: [{claim: {issuer: "https://id.example", name: sub}}, {path: true}]
                requestsPerUnit: 20
                unit: MINUTE
      """;

  private static final String GATEWAY =
      """
      apiVersion: trestle.dev/v1
      kind: IngressGateway
      metadata: {name: front, organization: org, tenant: t, workspace: shop, group: gw}
      spec:
        workloadNamespace: edge
        workloadSelector: {istio: ingressgateway}
        servers:
          - {port: 80, protocol: HTTP, hosts: [api.example]}
          - {port: 8080, protocol: HTTP, hosts: ["*.example"]}
        routes:
          - name: search
            host: api.example
            match: [{name: get, uri: {prefix: /search}, method: GET}, {uri: {prefix: /find}}]
            service: shop/search
            port: 8080
            rateLimit:
              local: {requests: 5, interval: 1s}
              global:
                service: edge/ratelimit
                rules:
                  - {name: per-client, keys: [{remoteAddress: true}], requestsPerUnit: 600, unit: MINUTE}
                  - {name: per-key, keys: [{header: x-api-key}], requestsPerUnit: 10, unit: SECOND}
          - name: free
            host: api.example
            service: shop/web
            port: 8080
      """;

  private static DesiredObjects translate(String... docs) {
    var all = new ArrayList<String>(List.of(SCOPE));
    all.addAll(List.of(docs));
    var view = Fixtures.view("c1", "shop", "edge");
    var out = IstioTranslator.translate(Fixtures.snapshot(all.toArray(String[]::new)), view);
    IstioSchemaCheck.assertAdmitted(out);
    return out;
  }

  @Test
  void aServiceRouteLimitBecomesAnInboundEnvoyFilterOnTheServiceWorkloads() {
    var out = translate(LIMITED_SERVICE);
    JsonNode filter = Fixtures.only(out, "EnvoyFilter", "shop").tree();
    assertThat(filter.at("/spec/workloadSelector/labels/app").asText()).isEqualTo("api");
    JsonNode patches = filter.at("/spec/configPatches");
    assertThat(patches).hasSize(3);
    JsonNode local = patches.get(0);
    assertThat(local.at("/match/context").asText()).isEqualTo("SIDECAR_INBOUND");
    assertThat(local.at("/patch/operation").asText()).isEqualTo("INSERT_BEFORE");
    JsonNode bucket = local.at("/patch/value/typed_config/token_bucket");
    assertThat(bucket.path("max_tokens").asInt()).isEqualTo(150);
    assertThat(bucket.path("tokens_per_fill").asInt()).isEqualTo(100);
    assertThat(bucket.path("fill_interval").asText()).isEqualTo("1s");

    JsonNode global = patches.get(1).at("/patch/value/typed_config");
    assertThat(global.path("@type").asText()).endsWith("ratelimit.v3.RateLimit");
    assertThat(global.path("domain").asText()).isEqualTo("shop");
    assertThat(global.at("/rate_limit_service/grpc_service/envoy_grpc/cluster_name").asText())
        .isEqualTo("outbound|8081||ratelimit.edge.svc.cluster.local");

    JsonNode actions = patches.get(2).at("/patch/value/rate_limits/0/actions");
    assertThat(patches.get(2).path("applyTo").asText()).isEqualTo("VIRTUAL_HOST");
    assertThat(actions.get(0).at("/generic_key/descriptor_key").asText()).isEqualTo("trestle-rule");
    assertThat(actions.get(1).at("/metadata/metadata_key/key").asText())
        .isEqualTo("envoy.filters.http.jwt_authn");
    assertThat(actions.get(1).at("/metadata/metadata_key/path/0/key").asText())
        .isEqualTo("https://id.example");
    assertThat(actions.get(2).at("/request_headers/header_name").asText()).isEqualTo(":path");
  }

  @Test
  void theRateLimitServiceGetsItsDescriptorsAsAConfigMapInItsNamespace() {
    var out = translate(LIMITED_SERVICE, GATEWAY);
    var maps = Fixtures.objects(out, "ConfigMap", "edge");
    assertThat(maps).hasSize(2); // domains "shop" and "trestle"
    JsonNode shop =
        maps.stream()
            .map(DesiredObject::tree)
            .filter(t -> t.at("/data").has("shop.yaml"))
            .findFirst()
            .orElseThrow();
    JsonNode config = CanonicalForm.readYaml(shop.at("/data/shop.yaml").asText());
    assertThat(config.path("domain").asText()).isEqualTo("shop");
    JsonNode rule = config.at("/descriptors/0");
    assertThat(rule.path("key").asText()).isEqualTo("trestle-rule");
    assertThat(rule.path("value").asText()).endsWith("-per-user");
    assertThat(rule.at("/descriptors/0/key").asText()).isEqualTo("claim-sub");
    assertThat(rule.at("/descriptors/0/descriptors/0/key").asText()).isEqualTo("path");
    assertThat(rule.at("/descriptors/0/descriptors/0/rate_limit/unit").asText())
        .isEqualTo("minute");
    assertThat(rule.at("/descriptors/0/descriptors/0/rate_limit/requests_per_unit").asInt())
        .isEqualTo(20);

    String gatewayMap =
        maps.stream()
            .map(DesiredObject::tree)
            .filter(t -> t.at("/data").has("trestle.yaml"))
            .findFirst()
            .orElseThrow()
            .at("/data/trestle.yaml")
            .asText();
    assertThat(gatewayMap).contains("key: remote_address").contains("key: header-x-api-key");
  }

  @Test
  void aGatewayRouteLimitPatchesEachEnvoyRouteItBecameOnEveryListenerServingItsHost() {
    var out = translate(GATEWAY);
    JsonNode filter = Fixtures.only(out, "EnvoyFilter", "edge").tree();
    assertThat(filter.at("/spec/workloadSelector/labels/istio").asText())
        .isEqualTo("ingressgateway");
    var routePatches = new ArrayList<String>();
    for (JsonNode p : filter.at("/spec/configPatches")) {
      if (p.path("applyTo").asText().equals("HTTP_ROUTE")) {
        JsonNode vhost = p.at("/match/routeConfiguration/vhost");
        routePatches.add(vhost.path("name").asText() + " " + vhost.at("/route/name").asText());
        assertThat(p.at("/patch/value/typed_per_filter_config"))
            .as("the local bucket per route")
            .hasSize(1);
        assertThat(p.at("/patch/value/route/rate_limits")).hasSize(2);
      }
    }
    // a named match makes the Envoy route <route>.<match>; 80 and 8080 (wildcard) both serve it
    assertThat(routePatches)
        .containsExactlyInAnyOrder(
            "api.example:80 search",
            "api.example:80 search.get",
            "api.example:8080 search",
            "api.example:8080 search.get");
    assertThat(out.diagnostics()).isEmpty();
  }

  @Test
  void withoutTheRateLimitServicesNamespaceTheConfigurationIsReportedNotEmitted() {
    var view = Fixtures.view("c1", "shop");
    var out = IstioTranslator.translate(Fixtures.snapshot(SCOPE, LIMITED_SERVICE), view);
    assertThat(out.objects()).noneMatch(o -> o.key().kind().equals("ConfigMap"));
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("rate-limit service edge/ratelimit"));
  }
}
