package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Issue 18 over the real path: a real central (secure mode) and two real {@code trestle edge}
 * processes (clusters c1, c2 of organization tel), each scraping scripted Istio sidecars ({@link
 * IstioProxies}, a JDK HTTP server on 127.0.0.1) listed in its inventory's {@code telemetry:}
 * section, every 2 s. web in c1 calls cart in c1 (200s and 503s) and cart in c2 (cross-cluster).
 *
 * <p>Central's REST view shows both clusters' traffic with exactly the counts the sidecars served
 * (after each agent's first scrape, its baseline), and the cross-cluster call in the topology. Then
 * central stops while the sidecars keep counting: the agents buffer their windows; central starts
 * again on the same data and the buffered windows arrive; one sidecar restarts (a counter reset).
 * The totals are again exactly what was served, so nothing was lost (no gap), nothing counted
 * twice, and the reset counted its new value, never a negative one.
 */
class TelemetryEndToEndIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ORG = "tel";

  @RegisterExtension
  static final CentralServer central =
      new CentralServer(new ServerProcess.Options(true, 0, Map.of())).deleteWorkDirWhenAllPass();

  private static final Map<String, EdgeProcess> EDGES = new LinkedHashMap<>();

  @RegisterExtension
  static final TestWatcher edgeLogs =
      EdgeProcess.logTailsOnFailure(() -> TelemetryEndToEndIT.EDGES.values(), 40);

  private static final List<IstioProxies.Pod> PODS =
      List.of(
          new IstioProxies.Pod("c1-cart-1", "c1", "cart", "web", "c1", 6, 1),
          new IstioProxies.Pod("c1-cart-2", "c1", "cart", "web", "c1", 3, 0),
          new IstioProxies.Pod("c2-cart-1", "c2", "cart", "web", "c1", 4, 2));

  private static IstioProxies proxies;
  private static long since;

  @BeforeAll
  static void setUp() throws IOException {
    since = Instant.now().getEpochSecond() / 60 * 60 - 60;
    proxies = new IstioProxies(PODS);
    Path config = Documents.write(central.workDir().resolve("tel.yaml"), config());
    CliResult apply = central.cli().run("apply", "-f", config.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    int edgePort = central.running().edgePort();
    for (String cluster : List.of("c1", "c2")) {
      var layout = central.edgeLayout(cluster, "organizations/" + ORG + "/clusters/" + cluster);
      Files.writeString(layout.inventory(), inventory(cluster));
      EDGES.put(
          cluster,
          EdgeProcess.start(
              layout,
              edgePort,
              central.workDir().resolve("edge-" + cluster + ".log"),
              central.configHome()));
    }
  }

  @AfterAll
  static void tearDown() {
    for (EdgeProcess edge : EDGES.values()) {
      if (!edge.stop()) {
        System.err.println(edge.cluster() + "'s agent needed a SIGKILL; see " + edge.log());
      }
    }
    if (proxies != null) {
      proxies.close();
    }
  }

  @Test
  void bothClustersTrafficArrivesExactlyAndSurvivesACentralOutage() throws IOException {
    for (EdgeProcess edge : EDGES.values()) {
      awaitTelemetry(edge, t -> t.path("windowsSent").asLong() >= 2);
    }
    await("traffic of both clusters at central")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> cart().keySet().containsAll(List.of("c1", "c2")));

    JsonNode topology =
        central
            .rest()
            .getJson("/api/v1/telemetry/topology?scope=organizations/" + ORG + "&" + range());
    assertThat(topology.path("edges"))
        .anySatisfy(
            e -> {
              assertThat(e.path("source").asText()).isEqualTo("web.shop@c1");
              assertThat(e.path("destination").asText()).isEqualTo("cart.shop@c2");
              assertThat(e.path("crossCluster").asBoolean()).isTrue();
            })
        .anySatisfy(
            e -> {
              assertThat(e.path("destination").asText()).isEqualTo("cart.shop@c1");
              assertThat(e.path("crossCluster").asBoolean()).isFalse();
            });

    // Central goes away; the sidecars keep counting and the agents keep their windows.
    central.stopGracefully();
    for (EdgeProcess edge : EDGES.values()) {
      awaitTelemetry(edge, t -> t.path("bufferedWindows").asLong() >= 3);
    }
    central.start();
    for (EdgeProcess edge : EDGES.values()) {
      awaitTelemetry(edge, t -> t.path("bufferedWindows").asLong() == 0);
    }

    // One sidecar restarts: its counters start again from zero (a reset, never negative).
    int before = proxies.scrapes("c1-cart-2");
    proxies.restart("c1-cart-2");
    await("two scrapes of the restarted pod")
        .atMost(WAIT)
        .until(() -> proxies.scrapes("c1-cart-2") >= before + 2);

    // Counters stop; once every pod was scraped twice more, all that was served is reported.
    proxies.freeze();
    await("two scrapes of every pod after the freeze")
        .atMost(WAIT)
        .until(() -> PODS.stream().allMatch(p -> proxies.scrapesSinceFreeze(p.id()) >= 2));
    for (EdgeProcess edge : EDGES.values()) {
      awaitTelemetry(edge, t -> t.path("bufferedWindows").asLong() == 0);
    }
    Map<String, long[]> expected = new LinkedHashMap<>();
    for (IstioProxies.Pod pod : PODS) {
      long[] counted = proxies.counted(pod.id());
      expected.merge(pod.cluster(), counted, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    }
    assertThat(expected.get("c2")[0]).as("c2 served 200s during the test").isPositive();
    await("central's totals equal what the sidecars served")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Map<String, long[]> seen = cart();
              for (String cluster : expected.keySet()) {
                long[] want = expected.get(cluster);
                assertThat(seen.get(cluster))
                    .as("cart in %s: {requests, 5xx}", cluster)
                    .containsExactly(want[0] + want[1], want[1]);
              }
            });
    for (EdgeProcess edge : EDGES.values()) {
      JsonNode t = edge.status().path("telemetry");
      assertThat(t.path("droppedWindows").asLong()).as(edge.cluster()).isZero();
      assertThat(t.path("droppedSeries").asLong()).as(edge.cluster()).isZero();
    }
    System.out.println(
        "FIGURE TelemetryEndToEndIT served (200s, 503s) per cluster: "
            + expected.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()[0] + "/" + e.getValue()[1])
                .toList()
            + "; scrapes "
            + PODS.stream().map(p -> p.id() + "=" + proxies.scrapes(p.id())).toList());

    CliResult top =
        central.cli().run("top", "services", "--org", ORG, "--window", "1h", "-o", "json");
    assertThat(top.exitCode()).as(top.toString()).isZero();
    JsonNode services = Documents.JSON.readTree(top.stdout()).path("services");
    List<String> rows = new ArrayList<>();
    services.forEach(
        s ->
            rows.add(
                s.path("service").asText()
                    + "@"
                    + s.path("cluster").asText()
                    + " "
                    + s.path("total").path("requests").asLong()));
    long all = 0;
    for (long[] v : expected.values()) {
      all += v[0] + v[1];
    }
    assertThat(Documents.JSON.readTree(top.stdout()).path("total").path("requests").asLong())
        .as("the organization's summary")
        .isEqualTo(all);
    assertThat(rows)
        .containsExactlyInAnyOrder(
            "cart@c1 " + (expected.get("c1")[0] + expected.get("c1")[1]),
            "cart@c2 " + (expected.get("c2")[0] + expected.get("c2")[1]));
  }

  /** cart.shop's totals per cluster over the test's range: cluster to {requests, 5xx}. */
  private static Map<String, long[]> cart() {
    JsonNode traffic =
        central
            .rest()
            .getJson(
                "/api/v1/telemetry/services/cart.shop?scope=organizations/" + ORG + "&" + range());
    Map<String, long[]> out = new LinkedHashMap<>();
    for (JsonNode s : traffic.path("services")) {
      JsonNode total = s.path("total");
      out.put(
          s.path("cluster").asText(),
          new long[] {total.path("requests").asLong(), total.path("errors5xx").asLong()});
    }
    return out;
  }

  /** From a minute before the test to two minutes ahead: every window it can produce. */
  private static String range() {
    long end = Instant.now().getEpochSecond() / 60 * 60 + 120;
    return "start=" + Instant.ofEpochSecond(since) + "&end=" + Instant.ofEpochSecond(end);
  }

  private static void awaitTelemetry(EdgeProcess edge, Predicate<JsonNode> condition) {
    await(edge.cluster() + "'s /status telemetry")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .failFast(edge.cluster() + "'s agent ended", () -> !edge.isAlive())
        .until(() -> edge.status().path("telemetry"), condition::test);
  }

  private static String config() {
    return """
    apiVersion: trestle.dev/v1
    kind: Organization
    metadata: {name: tel}
    spec: {displayName: Telemetry IT}
    ---
    apiVersion: trestle.dev/v1
    kind: Cluster
    metadata: {name: c1, organization: tel}
    spec: {network: net-1}
    ---
    apiVersion: trestle.dev/v1
    kind: Cluster
    metadata: {name: c2, organization: tel}
    spec: {network: net-2}
    ---
    apiVersion: trestle.dev/v1
    kind: Tenant
    metadata: {name: t, organization: tel}
    spec: {displayName: T}
    ---
    apiVersion: trestle.dev/v1
    kind: Workspace
    metadata: {name: shop, organization: tel, tenant: t}
    spec:
      namespaceSelectors: ["*/shop"]
    """;
  }

  /** Namespace shop, no services to sync; the cluster's sidecars to scrape every 2 s. */
  private static String inventory(String cluster) {
    var text = new StringBuilder("namespaces: [shop]\ntelemetry:\n  window: 2s\n  scrape:\n");
    for (IstioProxies.Pod pod : PODS) {
      if (pod.cluster().equals(cluster)) {
        text.append("    - {url: ")
            .append(proxies.url(pod.id()))
            .append(", id: shop/")
            .append(pod.id())
            .append("}\n");
      }
    }
    return text.toString();
  }
}
