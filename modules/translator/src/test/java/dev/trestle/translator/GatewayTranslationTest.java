package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayTranslationTest {

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
      spec: {type: TRAFFIC, namespaceSelectors: ["c1/shop"]}
      ---
      apiVersion: trestle.dev/v1
      kind: ServiceRoute
      metadata: {name: web, organization: org, tenant: t, workspace: shop, group: traffic}
      spec:
        service: shop/web
        subsets:
          - {name: stable, labels: {v: "1"}, weight: 90}
          - {name: canary, labels: {v: "2"}, weight: 10}
        httpRoutes:
          - name: beta
            match: [{headers: {cookie: {regex: ".*beta.*"}}}, {uri: {prefix: /beta}}]
            destinations: [{subset: canary}]
          - name: writes
            match: [{method: POST}]
            destinations: [{subset: stable}]
          - name: rest
            destinations: [{subset: stable, weight: 90}, {subset: canary, weight: 10}]
            timeout: 4s
      """;

  private static final String WEB_ROUTE =
      "organizations/org/tenants/t/workspaces/shop/groups/traffic/serviceroutes/web";

  private static String gateway(String routes) {
    return """
    apiVersion: trestle.dev/v1
    kind: IngressGateway
    metadata: {name: front, organization: org, tenant: t, workspace: shop, group: gw}
    spec:
      workloadSelector: {istio: ingressgateway, app: front}
      servers:
        - {name: https, port: 443, protocol: HTTPS, hosts: [shop.example, api.example],
           tls: {mode: SIMPLE, credentialName: shop-cert, minProtocolVersion: TLSV1_3}}
        - {port: 80, protocol: HTTP, hosts: [shop.example]}
      routes:
    %s\
    """
        .formatted(routes.indent(4));
  }

  private static DesiredObjects translate(String cluster, String... docs) {
    return translate(Fixtures.view(cluster, "shop", "edge"), docs);
  }

  /** Translated and checked by {@link IstioAnalysis}: every output here must pass it. */
  private static DesiredObjects translate(ClusterView view, String... docs) {
    var all = new ArrayList<String>(List.of(SCOPE));
    all.addAll(List.of(docs));
    var out = IstioTranslator.translate(Fixtures.snapshot(all.toArray(String[]::new)), view);
    assertThat(IstioAnalysis.problems(out, view)).as("istioctl-analyze-style checks").isEmpty();
    IstioSchemaCheck.assertAdmitted(out);
    return out;
  }

  /** c1 running shop/web on 8080 and shop/api on 8080 (HTTP) and 9090 (GRPC). */
  private static ClusterView withPorts() {
    return Fixtures.view("c1", "shop", "edge")
        .withServices(
            List.of(
                new MeshCatalog.Service(
                    "shop", "web", List.of(new MeshCatalog.Port("http", 8080, "HTTP")), 2, 2),
                new MeshCatalog.Service(
                    "shop",
                    "api",
                    List.of(
                        new MeshCatalog.Port("http", 8080, "HTTP"),
                        new MeshCatalog.Port("grpc", 9090, "GRPC")),
                    2,
                    2)));
  }

  private static final String PORT_ROUTE =
      """
      apiVersion: trestle.dev/v1
      kind: ServiceRoute
      metadata: {name: api, organization: org, tenant: t, workspace: shop, group: traffic}
      spec:
        service: shop/api
        subsets:
          - {name: v1, labels: {v: "1"}, weight: 80}
          - {name: v2, labels: {v: "2"}, weight: 20}
        httpRoutes:
          - name: rest
            match: [{port: 8080, uri: {prefix: /v1}}]
            destinations: [{subset: v1, weight: 80}, {subset: v2, weight: 20}]
          - name: rpc
            match: [{port: 9090}]
            destinations: [{subset: v1}]
      """;

  private static final String API_ROUTE =
      "organizations/org/tenants/t/workspaces/shop/groups/traffic/serviceroutes/api";

  @Test
  void aFollowedServiceRoutesPortMatchBecomesTheDestinationPortNotAListenerMatch() {
    // Issue 15 point 9: the in-mesh match on service port 8080 was copied into the gateway route,
    // where port means the listener's (443/80), so the route never matched.
    var out =
        translate(
            withPorts(),
            PORT_ROUTE,
            gateway(
                "- {name: api, host: api.example, service: shop/api, serviceRoute: %s}"
                    .formatted(API_ROUTE)));
    JsonNode http = hostRoutes(out, "api.example").path("http");
    JsonNode rest = http.get(0);
    assertThat(rest.path("name").asText()).isEqualTo("api-rest");
    assertThat(rest.at("/match/0/port").isMissingNode()).isTrue();
    assertThat(rest.at("/match/0/uri/prefix").asText()).isEqualTo("/v1");
    assertThat(rest.at("/route/0/destination/port/number").asInt()).isEqualTo(8080);
    assertThat(rest.at("/route/1/destination/port/number").asInt()).isEqualTo(8080);
    JsonNode rpc = http.get(1);
    assertThat(rpc.path("name").asText()).isEqualTo("api-rpc");
    assertThat(rpc.path("match").isMissingNode()).isTrue();
    assertThat(rpc.at("/route/0/destination/port/number").asInt()).isEqualTo(9090);
    // The appended catch-all names no port: the service's HTTP port is chosen for it.
    assertThat(http.get(2).at("/route/0/destination/port/number").asInt()).isEqualTo(8080);
    assertThat(http).hasSize(3);
  }

  @Test
  void aGatewayRouteWithAPortKeepsOnlyTheServiceRouteRoutesForThatPort() {
    var out =
        translate(
            withPorts(),
            PORT_ROUTE,
            gateway(
                "- {name: api, host: api.example, service: shop/api, port: 9090, serviceRoute: %s}"
                    .formatted(API_ROUTE)));
    JsonNode http = hostRoutes(out, "api.example").path("http");
    assertThat(http)
        .extracting(r -> r.path("name").asText())
        .containsExactly("api-rpc", "api-trestle-default");
    assertThat(http.at("/0/route/0/destination/port/number").asInt()).isEqualTo(9090);
  }

  @Test
  void aDestinationToAMultiPortServiceNamesAPort() {
    var out =
        translate(withPorts(), gateway("- {name: api, host: api.example, service: shop/api}"));
    assertThat(hostRoutes(out, "api.example").at("/http/0/route/0/destination/port/number").asInt())
        .isEqualTo(8080);
    // A single-port service needs none (Istio takes its only port).
    var single =
        translate(withPorts(), gateway("- {name: w, host: shop.example, service: shop/web}"));
    assertThat(
            hostRoutes(single, "shop.example")
                .at("/http/0/route/0/destination/port")
                .isMissingNode())
        .isTrue();
  }

  @Test
  void aMatchOnAPortTheGatewayDoesNotListenOnIsLeftOut() {
    var out =
        translate(
            "c1",
            gateway(
                """
                - {name: mixed, host: shop.example, service: shop/web, port: 8080,
                   match: [{port: 8080}, {port: 80, uri: {prefix: /}}]}
                - {name: never, host: shop.example, service: shop/web, port: 8080, match: [{port: 8443}]}
                """));
    JsonNode http = hostRoutes(out, "shop.example").path("http");
    assertThat(http).hasSize(1);
    assertThat(http.at("/0/match")).hasSize(1);
    assertThat(http.at("/0/match/0/port").asInt()).isEqualTo(80);
    assertThat(out.diagnostics())
        .anySatisfy(
            d -> assertThat(d.message()).contains("match on port 8080").contains("[80, 443]"))
        .anySatisfy(d -> assertThat(d.message()).contains("'never'").contains("never applies"));
  }

  private static JsonNode hostRoutes(DesiredObjects out, String host) {
    return Fixtures.objects(out, "VirtualService", "edge").stream()
        .map(DesiredObject::tree)
        .filter(t -> t.at("/spec/hosts/0").asText().equals(host))
        .findFirst()
        .orElseThrow()
        .path("spec");
  }

  @Test
  void theGatewayGoesToTheGroupNamespaceNoRouteTargets() {
    var out = translate("c1", gateway("- {host: api.example, service: shop/api, port: 8080}"));
    JsonNode gw = Fixtures.only(out, "Gateway", "edge").tree();
    assertThat(gw.at("/spec/selector").toString())
        .isEqualTo("{\"app\":\"front\",\"istio\":\"ingressgateway\"}");
    JsonNode https = gw.at("/spec/servers/0");
    assertThat(https.at("/port/number").asInt()).isEqualTo(443);
    assertThat(https.at("/port/name").asText()).isEqualTo("https");
    assertThat(https.at("/tls/mode").asText()).isEqualTo("SIMPLE");
    assertThat(https.at("/tls/credentialName").asText()).isEqualTo("shop-cert");
    assertThat(https.at("/tls/minProtocolVersion").asText()).isEqualTo("TLSV1_3");
    assertThat(gw.at("/spec/servers/1/port/name").asText()).isEqualTo("http-80");
    assertThat(gw.at("/spec/servers/1/tls").isMissingNode()).isTrue();
    assertThat(Fixtures.objects(out, "Gateway", "shop")).isEmpty();
  }

  @Test
  void eachRoutedHostGetsAVirtualServiceBoundToTheGateway() {
    var out =
        translate(
            "c1",
            gateway(
                """
                - {name: api, host: api.example, service: shop/api, port: 8080, timeout: 3s,
                   match: [{uri: {prefix: /v1}}]}
                - {name: plain, host: shop.example, service: shop/redirect, match: [{port: 80}]}
                """));
    String gatewayName = Fixtures.only(out, "Gateway", "edge").key().name();
    JsonNode api = hostRoutes(out, "api.example");
    assertThat(api.path("gateways").toString()).isEqualTo("[\"edge/" + gatewayName + "\"]");
    assertThat(api.at("/http/0/route/0/destination/host").asText())
        .isEqualTo("api.shop.svc.cluster.local");
    assertThat(api.at("/http/0/route/0/destination/port/number").asInt()).isEqualTo(8080);
    assertThat(api.at("/http/0/timeout").asText()).isEqualTo("3s");
    assertThat(api.path("http")).hasSize(1);
    assertThat(hostRoutes(out, "shop.example").at("/http/0/match/0/port").asInt()).isEqualTo(80);
  }

  @Test
  void aRouteFollowingAServiceRouteCombinesMatchesAndKeepsItsSubsets() {
    var out =
        translate(
            "c1",
            gateway(
                """
                - name: site
                  host: shop.example
                  service: shop/web
                  port: 8080
                  serviceRoute: %s
                  match: [{uri: {prefix: /}, method: GET}]
                """
                    .formatted(WEB_ROUTE)));
    JsonNode http = hostRoutes(out, "shop.example").path("http");
    // beta (2 matches x 1), writes (GET and POST never meet: left out), rest.
    assertThat(http).hasSize(2);
    JsonNode beta = http.get(0);
    assertThat(beta.path("name").asText()).isEqualTo("site-beta");
    assertThat(beta.path("match")).hasSize(2);
    assertThat(beta.at("/match/0/uri/prefix").asText()).isEqualTo("/");
    assertThat(beta.at("/match/0/method/exact").asText()).isEqualTo("GET");
    assertThat(beta.at("/match/0/headers/cookie/regex").asText()).isEqualTo(".*beta.*");
    assertThat(beta.at("/match/1/uri/prefix").asText()).isEqualTo("/beta");
    assertThat(beta.at("/route/0/destination/subset").asText()).isEqualTo("canary");
    assertThat(beta.at("/route/0/destination/port/number").asInt()).isEqualTo(8080);
    JsonNode rest = http.get(1);
    assertThat(rest.path("name").asText()).isEqualTo("site-rest");
    assertThat(rest.at("/route/0/weight").asInt()).isEqualTo(90);
    assertThat(rest.path("timeout").asText()).isEqualTo("4s");
    DesiredObject vs =
        Fixtures.objects(out, "VirtualService", "edge").stream()
            .filter(o -> o.tree().at("/spec/hosts/0").asText().equals("shop.example"))
            .findFirst()
            .orElseThrow();
    assertThat(vs.inputs()).anySatisfy(i -> assertThat(i).startsWith(WEB_ROUTE + "@"));
  }

  @Test
  void aFollowedServiceRouteNotInForceHereRoutesToTheWholeService() {
    // The traffic group selects c1/shop only, so in c2 the subsets are not defined.
    var out =
        translate(
            "c2",
            gateway(
                "- {name: site, host: shop.example, service: shop/web, serviceRoute: %s}"
                    .formatted(WEB_ROUTE)));
    JsonNode route = hostRoutes(out, "shop.example").at("/http/0");
    assertThat(route.at("/route/0/destination/subset").isMissingNode()).isTrue();
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("not in force in this cluster"));
  }

  @Test
  void matchesThatCannotBeCombinedAreReported() {
    var out =
        translate(
            "c1",
            gateway(
                """
                - name: site
                  host: shop.example
                  service: shop/web
                  serviceRoute: %s
                  match: [{headers: {cookie: {regex: "x.*"}}}]
                """
                    .formatted(WEB_ROUTE)));
    assertThat(out.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains("two regexes"));
  }

  @Test
  void withoutANamespaceOfItsOwnTheGatewayIsNotEmitted() {
    String onlyTargets =
        SCOPE.replace(
            "spec: {type: GATEWAY}", "spec: {type: GATEWAY, namespaceSelectors: [\"*/shop\"]}");
    var snapshot =
        Fixtures.snapshot(onlyTargets, gateway("- {host: api.example, service: shop/api}"));
    var out = IstioTranslator.translate(snapshot, Fixtures.view("c1", "shop", "edge"));
    assertThat(out.objects()).noneMatch(o -> o.key().kind().equals("Gateway"));
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("cannot be told"));
  }

  private static String inNamespace(String gateway, String namespace) {
    return gateway.replace(
        "  workloadSelector: {istio: ingressgateway, app: front}\n",
        "  workloadSelector: {istio: ingressgateway, app: front}\n  workloadNamespace: "
            + namespace
            + "\n");
  }

  @Test
  void theWorkloadNamespaceIsWhereTheGatewayAndItsRoutesGo() {
    // shop is a route target: only the explicit workloadNamespace can put the gateway there.
    var out =
        translate(
            "c1",
            inNamespace(gateway("- {host: api.example, service: shop/api, port: 8080}"), "shop"));
    String gatewayName = Fixtures.only(out, "Gateway", "shop").key().name();
    assertThat(Fixtures.objects(out, "Gateway", "edge")).isEmpty();
    assertThat(
            Fixtures.objects(out, "VirtualService", "shop").stream()
                .map(o -> o.tree().at("/spec/gateways"))
                .filter(JsonNode::isArray)
                .map(JsonNode::toString))
        .containsExactly("[\"shop/" + gatewayName + "\"]");
    assertThat(out.diagnostics()).isEmpty();
  }

  @Test
  void aWorkloadNamespaceTheGroupDoesNotCoverHereIsNotEmittedAndReported() {
    String onlyShop =
        SCOPE.replace(
            "spec: {type: GATEWAY}", "spec: {type: GATEWAY, namespaceSelectors: [\"*/shop\"]}");
    var snapshot =
        Fixtures.snapshot(
            onlyShop, inNamespace(gateway("- {host: api.example, service: shop/api}"), "edge"));
    var out = IstioTranslator.translate(snapshot, Fixtures.view("c1", "shop", "edge"));
    assertThat(out.objects()).noneMatch(o -> o.key().kind().equals("Gateway"));
    assertThat(out.objects()).noneMatch(o -> o.tree().at("/spec/gateways").isArray());
    assertThat(out.diagnostics())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.message())
                    .isEqualTo(
                        "its workloadNamespace 'edge' is not a namespace its group covers here"
                            + " (shop); not emitted"));
  }

  @Test
  void aGatewayWhoseGroupCoversNothingHereIsSilentlyAbsent() {
    var snapshot =
        Fixtures.snapshot(
            SCOPE, inNamespace(gateway("- {host: api.example, service: shop/api}"), "edge"));
    var out = IstioTranslator.translate(snapshot, Fixtures.view("c1", "other"));
    assertThat(out.objects()).noneMatch(o -> o.key().kind().equals("Gateway"));
    assertThat(out.diagnostics()).noneMatch(d -> d.message().contains("workloadNamespace"));
  }
}
