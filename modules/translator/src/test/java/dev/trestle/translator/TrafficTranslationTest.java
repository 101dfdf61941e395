package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TrafficTranslationTest {

  private static final String SCOPE =
      """
      apiVersion: trestle.dev/v1
      kind: Workspace
      metadata: {name: ws, organization: org, tenant: t}
      spec: {namespaceSelectors: ["*/shop"]}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: traffic, organization: org, tenant: t, workspace: ws}
      spec: {type: TRAFFIC}
      ---
      apiVersion: trestle.dev/v1
      kind: Group
      metadata: {name: traffic2, organization: org, tenant: t, workspace: ws}
      spec: {type: TRAFFIC}
      """;

  private static final String META = "organization: org, tenant: t, workspace: ws, group: traffic";

  private static String route(String name, String spec) {
    return "apiVersion: trestle.dev/v1\nkind: ServiceRoute\nmetadata: {name: %s, %s}\nspec:\n%s"
        .formatted(name, META, spec.indent(2));
  }

  private static String setting(String name, String spec) {
    return "apiVersion: trestle.dev/v1\nkind: TrafficSetting\nmetadata: {name: %s, %s}\nspec:\n%s"
        .formatted(name, META, spec.indent(2));
  }

  private static DesiredObjects translate(String... docs) {
    var all = new String[docs.length + 1];
    all[0] = SCOPE;
    System.arraycopy(docs, 0, all, 1, docs.length);
    return IstioTranslator.translate(Fixtures.snapshot(all), Fixtures.view("c1", "shop"));
  }

  private static JsonNode spec(DesiredObjects out, String kind, String host) {
    return Fixtures.objects(out, kind, "shop").stream()
        .map(DesiredObject::tree)
        .filter(
            t ->
                t.at("/spec/host").asText().equals(host)
                    || t.at("/spec/hosts/0").asText().equals(host))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " for " + host))
        .path("spec");
  }

  private static final String WEB = "web.shop.svc.cluster.local";

  @Test
  void withoutHttpRoutesTheDefaultRouteSplitsBySubsetWeights() {
    var out =
        translate(
            route(
                "web",
                """
                service: shop/web
                subsets:
                  - {name: v1, labels: {app: web, version: v1}, weight: 90}
                  - {name: v2, labels: {app: web, version: v2}, weight: 10}
                """));
    JsonNode http = spec(out, "VirtualService", WEB).path("http");
    assertThat(http).hasSize(1);
    assertThat(http.at("/0/name").asText()).isEqualTo("default");
    assertThat(http.at("/0/match").isMissingNode()).isTrue();
    assertThat(http.at("/0/route/0/destination/subset").asText()).isEqualTo("v1");
    assertThat(http.at("/0/route/0/weight").asInt()).isEqualTo(90);
    assertThat(http.at("/0/route/1/destination/subset").asText()).isEqualTo("v2");
    assertThat(http.at("/0/route/1/weight").asInt()).isEqualTo(10);
    JsonNode subsets = spec(out, "DestinationRule", WEB).path("subsets");
    assertThat(subsets.at("/1/name").asText()).isEqualTo("v2");
    assertThat(subsets.at("/1/labels/version").asText()).isEqualTo("v2");
  }

  @Test
  void aZeroWeightNextToAFullOneLeavesOneUnweightedDestination() {
    var out =
        translate(
            route(
                "web",
                """
                service: shop/web
                subsets:
                  - {name: blue, labels: {v: b}, weight: 100}
                  - {name: green, labels: {v: g}, weight: 0}
                """));
    JsonNode route = spec(out, "VirtualService", WEB).at("/http/0/route");
    assertThat(route).hasSize(1);
    assertThat(route.at("/0/destination/subset").asText()).isEqualTo("blue");
    assertThat(route.at("/0/weight").isMissingNode()).isTrue();
    // Both subsets stay defined, so the cut-over is a weight change only.
    assertThat(spec(out, "DestinationRule", WEB).path("subsets")).hasSize(2);
  }

  @Test
  void unweightedSubsetsWithoutRoutesSendTrafficToTheWholeService() {
    var out = translate(route("web", "service: shop/web\nsubsets: [{name: a, labels: {v: a}}]\n"));
    JsonNode dest = spec(out, "VirtualService", WEB).at("/http/0/route/0/destination");
    assertThat(dest.path("host").asText()).isEqualTo(WEB);
    assertThat(dest.has("subset")).isFalse();
  }

  @Test
  void routesKeepOrderMatchesAndGetACatchAllWhenTheLastOneMatches() {
    var out =
        translate(
            route(
                "web",
                """
                service: shop/web
                subsets:
                  - {name: v1, labels: {v: "1"}, weight: 80}
                  - {name: v2, labels: {v: "2"}, weight: 20}
                httpRoutes:
                  - name: exact
                    match: [{uri: {exact: /a}, headers: {X-Beta: {prefix: "yes"}}, method: POST, port: 8080}]
                    destinations: [{subset: v2, port: 8080}]
                  - name: regex
                    match: [{uri: {regex: "/b/[0-9]+"}}]
                    destinations: [{subset: v1, weight: 50}, {subset: v2, weight: 50}]
                """));
    JsonNode http = spec(out, "VirtualService", WEB).path("http");
    assertThat(http).hasSize(3);
    JsonNode first = http.get(0);
    assertThat(first.at("/match/0/uri/exact").asText()).isEqualTo("/a");
    assertThat(first.at("/match/0/headers/x-beta/prefix").asText()).isEqualTo("yes");
    assertThat(first.at("/match/0/method/exact").asText()).isEqualTo("POST");
    assertThat(first.at("/match/0/port").asInt()).isEqualTo(8080);
    assertThat(first.at("/route/0/destination/port/number").asInt()).isEqualTo(8080);
    assertThat(http.at("/1/match/0/uri/regex").asText()).isEqualTo("/b/[0-9]+");
    assertThat(http.at("/1/route/1/weight").asInt()).isEqualTo(50);
    JsonNode fallback = http.get(2);
    assertThat(fallback.path("name").asText()).isEqualTo("trestle-default");
    assertThat(fallback.has("match")).isFalse();
    assertThat(fallback.at("/route/0/weight").asInt()).isEqualTo(80);
  }

  @Test
  void aServiceSpecificSettingOverridesTheGroupWideOneFieldByField() {
    var out =
        translate(
            route("web", "service: shop/web\n"),
            route("cart", "service: shop/cart\n"),
            setting(
                "defaults",
                """
                timeout: 5s
                retries: {attempts: 2, perTryTimeout: 2s, retryOn: [connect-failure]}
                outlierDetection: {consecutive5xxErrors: 5, interval: 10s}
                loadBalancer: ROUND_ROBIN
                """),
            setting(
                "web",
                """
                service: shop/web
                timeout: 1m30s
                loadBalancer: LEAST_REQUEST
                connectionPool: {maxConnections: 10, connectTimeout: 250ms}
                """));
    JsonNode webPolicy = spec(out, "DestinationRule", WEB).path("trafficPolicy");
    assertThat(webPolicy.at("/loadBalancer/simple").asText()).isEqualTo("LEAST_REQUEST");
    assertThat(webPolicy.at("/outlierDetection/consecutive5xxErrors").asInt()).isEqualTo(5);
    assertThat(webPolicy.at("/connectionPool/tcp/connectTimeout").asText()).isEqualTo("0.250s");
    JsonNode webRoute = spec(out, "VirtualService", WEB).at("/http/0");
    assertThat(webRoute.path("timeout").asText()).isEqualTo("90s");
    assertThat(webRoute.at("/retries/attempts").asInt()).isEqualTo(2);

    // cart has no setting of its own: the group-wide one applies whole.
    String cart = "cart.shop.svc.cluster.local";
    assertThat(spec(out, "DestinationRule", cart).at("/trafficPolicy/loadBalancer/simple").asText())
        .isEqualTo("ROUND_ROBIN");
    assertThat(spec(out, "VirtualService", cart).at("/http/0/timeout").asText()).isEqualTo("5s");

    // And the group-wide one covers the rest of the namespace through a wildcard host.
    JsonNode wildcard = spec(out, "DestinationRule", "*.shop.svc.cluster.local");
    assertThat(wildcard.at("/trafficPolicy/loadBalancer/simple").asText()).isEqualTo("ROUND_ROBIN");
    assertThat(wildcard.has("subsets")).isFalse();
  }

  @Test
  void aRoutesOwnTimeoutAndRetriesWinOverTheSetting() {
    var out =
        translate(
            route(
                "web",
                """
                service: shop/web
                httpRoutes:
                  - {name: own, match: [{uri: {prefix: /x}}], timeout: 2s, retries: {attempts: 0}, destinations: [{}]}
                  - {name: inherited, destinations: [{}]}
                """),
            setting("defaults", "timeout: 7s\nretries: {attempts: 3}\n"));
    JsonNode http = spec(out, "VirtualService", WEB).path("http");
    assertThat(http.at("/0/timeout").asText()).isEqualTo("2s");
    assertThat(http.at("/0/retries/attempts").asInt()).isZero();
    assertThat(http.at("/1/timeout").asText()).isEqualTo("7s");
    assertThat(http.at("/1/retries/attempts").asInt()).isEqualTo(3);
  }

  @Test
  void retriesWithoutAttemptsKeepIstiosDefaultWhileZeroAloneTurnsThemOff() {
    var out =
        translate(
            route(
                "web",
                """
                service: shop/web
                httpRoutes:
                  - {name: on, match: [{method: GET}], retries: {retryOn: [5xx]}, destinations: [{}]}
                  - {name: off, retries: {attempts: 0}, destinations: [{}]}
                """));
    JsonNode http = spec(out, "VirtualService", WEB).path("http");
    assertThat(http.at("/0/retries/retryOn").asText()).isEqualTo("5xx");
    assertThat(http.at("/0/retries/attempts").isMissingNode()).isTrue();
    assertThat(http.at("/1/retries/attempts").asInt()).isZero();
  }

  @Test
  void aSettingWithoutAServiceRouteStillGetsItsTimeoutIntoAVirtualService() {
    var out = translate(setting("search", "service: shop/search\ntimeout: 800ms\n"));
    String search = "search.shop.svc.cluster.local";
    JsonNode route = spec(out, "VirtualService", search).at("/http/0");
    assertThat(route.path("timeout").asText()).isEqualTo("0.800s");
    assertThat(route.at("/route/0/destination/host").asText()).isEqualTo(search);
    // No policy fields: no DestinationRule.
    assertThat(Fixtures.objects(out, "DestinationRule", "shop")).isEmpty();
  }

  @Test
  void twoSettingsForOneTargetKeepTheFirstByFqnAndSayWhy() {
    String other =
        "apiVersion: trestle.dev/v1\n"
            + "kind: TrafficSetting\n"
            + "metadata: {name: b-defaults, organization: org, tenant: t, workspace: ws, group:"
            + " traffic2}\n"
            + "spec: {loadBalancer: RANDOM}\n";
    var out = translate(setting("a-defaults", "loadBalancer: ROUND_ROBIN\n"), other);
    JsonNode wildcard = spec(out, "DestinationRule", "*.shop.svc.cluster.local");
    // groups/traffic/... sorts before groups/traffic2/...
    assertThat(wildcard.at("/trafficPolicy/loadBalancer/simple").asText()).isEqualTo("ROUND_ROBIN");
    assertThat(out.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.source()).endsWith("groups/traffic2/trafficsettings/b-defaults");
              assertThat(d.message()).contains("first by FQN wins");
            });
  }

  @Test
  void localityFailoverWithoutOutlierDetectionIsReported() {
    var out =
        translate(
            setting(
                "web",
                "service: shop/web\n"
                    + "localityLoadBalancing: {enabled: true, failover: [{from: a, to: b}]}\n"));
    JsonNode lb =
        spec(out, "DestinationRule", WEB).at("/trafficPolicy/loadBalancer/localityLbSetting");
    assertThat(lb.path("enabled").asBoolean()).isTrue();
    assertThat(lb.at("/failover/0/to").asText()).isEqualTo("b");
    assertThat(out.diagnostics())
        .anySatisfy(d -> assertThat(d.message()).contains("outlier detection"));
  }

  @Test
  void tcpPortsGetTcpRoutesWithTheSubsetSplit() {
    var out =
        translate(
            route(
                "db",
                """
                service: shop/db
                ports: [{port: 5432, protocol: TCP}]
                subsets:
                  - {name: a, labels: {v: a}, weight: 70}
                  - {name: b, labels: {v: b}, weight: 30}
                """));
    JsonNode vs = spec(out, "VirtualService", "db.shop.svc.cluster.local");
    assertThat(vs.has("http")).isFalse();
    assertThat(vs.at("/tcp/0/match/0/port").asInt()).isEqualTo(5432);
    assertThat(vs.at("/tcp/0/route/0/weight").asInt()).isEqualTo(70);
    assertThat(vs.at("/tcp/0/route/1/destination/port/number").asInt()).isEqualTo(5432);
  }

  @Test
  void perServiceObjectsAreNamedAfterTheServiceAndListTheirInputs() {
    var out =
        translate(
            route("web-route", "service: shop/web\nsubsets: [{name: a, labels: {v: a}}]\n"),
            setting("defaults", "loadBalancer: RANDOM\n"));
    DesiredObject dr =
        Fixtures.objects(out, "DestinationRule", "shop").stream()
            .filter(o -> o.key().name().startsWith("trestle-web-"))
            .findFirst()
            .orElseThrow();
    assertThat(dr.sourceKind()).isEqualTo("ServiceRoute");
    assertThat(dr.inputs())
        .containsExactly(
            "organizations/org/tenants/t/workspaces/ws/groups/traffic/serviceroutes/web-route@1",
            "organizations/org/tenants/t/workspaces/ws/groups/traffic/trafficsettings/defaults@1");
    JsonNode meta = dr.tree().path("metadata");
    assertThat(meta.at("/labels/app.kubernetes.io~1managed-by").asText()).isEqualTo("trestle");
    assertThat(meta.at("/labels/trestle.dev~1source-kind").asText()).isEqualTo("ServiceRoute");
    assertThat(meta.at("/annotations/trestle.dev~1source-version").asText()).isEqualTo("1");
    assertThat(meta.at("/annotations/trestle.dev~1source-fqn").asText())
        .endsWith("serviceroutes/web-route");
  }
}
