package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Central and two edge agents ({@code trestle edge}, directory target) as real processes on
 * 127.0.0.1 (issue 4, point 8): the acme example reaches both clusters and is acknowledged; the
 * edges keep their files and answer while central is down; an edge restarted while central is down
 * serves its last good state; central restarted on its data resumes both edges by delta (no
 * snapshot is sent); a frozen edge (SIGSTOP) turns its cluster UNHEALTHY within heartbeat interval
 * x missed heartbeats; a version the edges cannot apply is NACKed, shown with its reason by {@code
 * trestle status} and {@code trestle wait}, and leaves the files as they were.
 *
 * <p>Central runs in secure mode (the CLI and the REST probe use the initial admin's token) with a
 * 500 ms heartbeat interval and 3 missed heartbeats. The tests run in order and build on each
 * other: one central (restarted on the same data directory and edge port) and the same agents.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeEndToEndIT {
  private static final Duration HEARTBEAT = Duration.ofMillis(500);
  private static final int MISSED = 3;

  @RegisterExtension
  static final CentralServer central =
      new CentralServer(
              new ServerProcess.Options(
                  true,
                  0,
                  Map.of(
                      "TRESTLE_EDGE_HEARTBEAT_INTERVAL",
                      HEARTBEAT.toMillis() + "ms",
                      "TRESTLE_EDGE_UNHEALTHY_AFTER_MISSED",
                      Integer.toString(MISSED))))
          .deleteWorkDirWhenAllPass();

  /** On failure: the tails of the edges' logs (central's comes from {@link CentralServer}). */
  @RegisterExtension
  static final TestWatcher edgeLogs =
      EdgeProcess.logTailsOnFailure(() -> EdgeEndToEndIT.EDGES.values(), 30);

  private static final Path ACME = TrestleRuntime.examples("acme");
  private static final String ORG = "organizations/acme";
  private static final String A = "eu-west-1a";
  private static final String B = "eu-west-1b";
  private static final List<String> CLUSTERS = List.of(A, B);
  private static final String CART =
      ORG + "/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/cart";
  private static final String SNAPSHOTS = "trestle_edge_snapshots_sent_total";
  private static final String DELTAS = "trestle_edge_deltas_sent_total";
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

  /** The running agents by cluster name (insertion order: A, B). */
  private static final Map<String, EdgeProcess> EDGES = new LinkedHashMap<>();

  private static final Map<String, EdgeProcess.Layout> LAYOUTS = new LinkedHashMap<>();

  /** The cart route as last applied by these tests (each test changes it further). */
  private static final ObjectNode cart = AcmeExample.cart();

  private static int edgeStarts;

  /** Central's edge-sync port; the same after every restart ({@link CentralServer}). */
  private static int edgePort;

  @BeforeAll
  static void applyOnboardAndStartEdges() throws IOException {
    edgePort = central.running().edgePort();
    CliResult apply = central.cli().run("apply", "-f", ACME.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    for (String cluster : CLUSTERS) {
      var layout = new EdgeProcess.Layout(cluster, central.workDir().resolve("edge-" + cluster));
      Files.createDirectories(layout.dir());
      CliResult token =
          central
              .cli()
              .run("cluster", "token", cluster, "--out-file", layout.tokenFile().toString());
      assertThat(token.exitCode()).as(token.toString()).isZero();
      assertThat(token.stdout()).as(token.toString()).doesNotContain("trjt.");
      Files.writeString(layout.inventory(), AcmeExample.inventory(cluster));
      LAYOUTS.put(cluster, layout);
    }
    CLUSTERS.forEach(EdgeEndToEndIT::startEdge);
  }

  @AfterAll
  static void stopEdges() {
    for (EdgeProcess edge : EDGES.values()) {
      if (!edge.stop()) {
        System.err.println(edge.cluster() + "'s agent needed a SIGKILL; see " + edge.log());
      }
    }
  }

  @Test
  @Order(1)
  void bothEdgesReceiveWriteAndAcknowledgeTheAppliedConfiguration() {
    for (EdgeProcess edge : EDGES.values()) {
      JsonNode status =
          awaitStatus(
              edge, s -> s.path("connected").asBoolean() && s.path("appliedVersion").asLong() > 0);
      SortedMap<String, String> files = edge.files();
      assertThat(files).as("files of %s", edge.cluster()).hasSize(status.path("objects").asInt());
      assertThat(files.keySet())
          .as("files of %s", edge.cluster())
          .anyMatch(f -> f.matches("checkout/virtualservice-trestle-cart-[0-9a-f]+\\.yaml"))
          .anyMatch(f -> f.matches("checkout/destinationrule-trestle-cart-[0-9a-f]+\\.yaml"))
          .anyMatch(f -> f.startsWith("ledger/virtualservice-"))
          .anyMatch(f -> f.startsWith("storefront/virtualservice-"))
          .anyMatch(f -> f.startsWith("storefront-ingress/gateway-"));
      assertThat(files.values())
          .allSatisfy(
              text ->
                  assertThat(text)
                      .startsWith("# Written by trestle edge for cluster")
                      .contains(edge.cluster())
                      .contains("app.kubernetes.io/managed-by: trestle"));
      assertThat(cartVirtualService(edge)).contains("source-fqn: " + CART);
    }

    CliResult wait = central.cli().run("wait", CART, "--for", "applied", "--timeout", "60s");
    assertThat(wait.exitCode()).as(wait.toString()).isZero();
    CliResult status = central.cli().run("status", CART);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.stdoutLines().get(0)).as(status.toString()).endsWith(": APPLIED");
    assertThat(statesByCluster(status))
        .as(status.toString())
        .containsExactlyInAnyOrderEntriesOf(Map.of(A, "APPLIED", B, "APPLIED"));

    Map<String, JsonNode> clusters = clustersViaCli();
    for (String cluster : CLUSTERS) {
      JsonNode c = clusters.get(cluster);
      assertThat(c.path("health").asText()).as(c.toString()).isEqualTo("CLUSTER_HEALTHY");
      assertThat(c.path("connected").asBoolean()).as(c.toString()).isTrue();
      assertThat(c.path("appliedVersion").asLong())
          .as(c.toString())
          .isEqualTo(c.path("desiredVersion").asLong())
          .isEqualTo(EDGES.get(cluster).status().path("appliedVersion").asLong());
    }
    assertThat(central.rest().metrics())
        .containsEntry("trestle_edges_connected", 2.0)
        .hasEntrySatisfying(SNAPSHOTS, n -> assertThat(n).isGreaterThanOrEqualTo(2.0));
  }

  @Test
  @Order(2)
  void withCentralDownTheEdgesKeepTheirFilesAndAnswer() {
    Map<String, SortedMap<String, String>> files = filesOfEveryEdge();
    Map<String, Long> versions = appliedVersions();

    ServerProcess stopped = central.stopGracefully();
    assertThat(stopped.exitCode()).as(stopped.outputTail(20)).isIn(0, 143);

    for (EdgeProcess edge : EDGES.values()) {
      JsonNode status = awaitStatus(edge, s -> !s.path("connected").asBoolean());
      assertThat(status.path("appliedVersion").asLong()).isEqualTo(versions.get(edge.cluster()));
      // Still answering and still unchanged a few reconnect attempts later.
      long reconnects = status.path("reconnects").asLong();
      await(edge.cluster() + " retrying central")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> edge.status().path("reconnects").asLong() >= reconnects + 2);
      assertThat(edge.status().path("appliedVersion").asLong())
          .isEqualTo(versions.get(edge.cluster()));
      assertThat(edge.isAlive()).isTrue();
    }
    assertThat(filesOfEveryEdge()).isEqualTo(files);
  }

  @Test
  @Order(3)
  void anEdgeRestartedWhileCentralIsDownServesItsLastGoodState() {
    assertThat(central.isRunning()).as("central is still down").isFalse();
    EdgeProcess edge = EDGES.get(B);
    JsonNode before = edge.status();
    SortedMap<String, String> files = edge.files();
    assertThat(files).isNotEmpty();
    assertThat(edge.stop()).as("SIGTERM stops the agent").isTrue();
    EDGES.remove(B);
    // The cluster lost its files meanwhile: the agent must write them again from its state.
    deleteTree(edge.layout().outDir());

    EdgeProcess restarted = startEdge(B);

    JsonNode status = restarted.status();
    assertThat(status.path("connected").asBoolean()).isFalse();
    assertThat(status.path("appliedVersion").asLong())
        .isEqualTo(before.path("appliedVersion").asLong());
    assertThat(status.path("setHash").asText()).isEqualTo(before.path("setHash").asText());
    assertThat(status.path("objects").asInt()).isEqualTo(files.size());
    assertThat(restarted.files()).isEqualTo(files);
  }

  @Test
  @Order(4)
  void aRestartedCentralResumesTheEdgesByDelta() {
    Map<String, Long> versions = appliedVersions();
    Map<String, SortedMap<String, String>> filesBefore = filesOfEveryEdge();
    central.start(); // same data directory, same edge port
    awaitAllConnected();
    // Both edges (one of them restarted meanwhile) said in Hello what they have: nothing to send.
    assertThat(central.rest().metrics())
        .containsEntry(SNAPSHOTS, 0.0)
        .containsEntry("trestle_edges_connected", 2.0);
    assertThat(filesOfEveryEdge()).isEqualTo(filesBefore);

    // A changed route: sent to both edges as a delta from the version each one reported.
    assertThat(cartVirtualService(EDGES.get(A))).doesNotContain("timeout: 3s");
    ObjectNode optIn = (ObjectNode) cart.path("spec").path("httpRoutes").path(0);
    assertThat(optIn.path("name").asText()).isEqualTo("canary-opt-in");
    optIn.put("timeout", "3s");
    apply(cart, "resume/cart.json");

    CliResult wait = central.cli().run("wait", CART, "--for", "applied", "--timeout", "60s");
    assertThat(wait.exitCode()).as(wait.toString()).isZero();
    for (EdgeProcess edge : EDGES.values()) {
      long before = versions.get(edge.cluster());
      awaitStatus(edge, s -> s.path("appliedVersion").asLong() > before);
      assertThat(cartVirtualService(edge)).contains("timeout: 3s");
    }
    assertThat(central.rest().metrics())
        .as("resumed by delta, never a snapshot")
        .containsEntry(SNAPSHOTS, 0.0)
        .hasEntrySatisfying(DELTAS, n -> assertThat(n).isGreaterThanOrEqualTo(2.0));
  }

  @Test
  @Order(5)
  void aFrozenEdgeTurnsItsClusterUnhealthyWithinTheConfiguredTime() {
    awaitHealth(A, "CLUSTER_HEALTHY");
    EdgeProcess edge = EDGES.get(A);
    Duration limit = HEARTBEAT.multipliedBy(MISSED);

    long frozenAt = System.nanoTime();
    edge.suspend(); // SIGSTOP: no more heartbeats, the stream stays open
    try {
      awaitHealth(A, "CLUSTER_UNHEALTHY");
      Duration took = Duration.ofNanos(System.nanoTime() - frozenAt);
      System.out.printf(
          "%s UNHEALTHY %d ms after SIGSTOP (limit %d ms after its last heartbeat)%n",
          A, took.toMillis(), limit.toMillis());
      // The last heartbeat came at most an interval before the freeze; the rest is slack for a
      // busy machine (the timer, the CLI/REST round trip).
      assertThat(took).isLessThan(limit.plus(HEARTBEAT).plusSeconds(3));
      Map<String, JsonNode> clusters = clustersViaCli();
      assertThat(clusters.get(A).path("health").asText())
          .as(clusters.get(A).toString())
          .isEqualTo("CLUSTER_UNHEALTHY");
      assertThat(clusters.get(B).path("health").asText())
          .as(clusters.get(B).toString())
          .isEqualTo("CLUSTER_HEALTHY");
    } finally {
      edge.resume();
    }
    awaitHealth(A, "CLUSTER_HEALTHY"); // healthy again with the next heartbeat
  }

  @Test
  @Order(6)
  void aVersionAnEdgeCannotApplyIsNackedWithItsReasonAndTheFilesStay() {
    awaitAllConnected();
    Map<String, SortedMap<String, String>> files = filesOfEveryEdge();
    Map<String, Long> versions = appliedVersions();

    // Java's regex engine (central's validation) accepts a lookahead; RE2 (Envoy) does not.
    ObjectNode match =
        (ObjectNode) cart.path("spec").path("httpRoutes").path(0).path("match").path(0);
    match.putObject("uri").put("regex", "^/(?=api)");
    apply(cart, "nack/cart.json");

    CliResult wait = central.cli().run("wait", CART, "--for", "applied", "--timeout", "60s");
    assertThat(wait.exitCode()).as(wait.toString()).isEqualTo(1);
    assertThat(statesByCluster(wait))
        .as(wait.toString())
        .containsExactlyInAnyOrderEntriesOf(Map.of(A, "FAILED", B, "FAILED"));
    assertThat(wait.stdout()).as(wait.toString()).contains("^/(?=api)").contains("RE2");

    CliResult status = central.cli().run("status", CART, "-o", "json");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
    JsonNode failed = Documents.json(status.stdout());
    assertThat(failed.path("state").asText()).as(status.toString()).isEqualTo("SYNC_FAILED");
    assertThat(perCluster(failed))
        .as(status.toString())
        .containsOnlyKeys(A, B)
        .allSatisfy(
            (cluster, c) -> {
              assertThat(c.path("state").asText()).isEqualTo("SYNC_FAILED");
              assertThat(c.path("reason").asText())
                  .contains("VirtualService checkout/trestle-cart-")
                  .contains("uri.regex")
                  .contains("^/(?=api)")
                  .contains("RE2");
            });

    for (EdgeProcess edge : EDGES.values()) {
      JsonNode s =
          awaitStatus(edge, x -> x.path("lastNack").path("reason").asText().contains("RE2"));
      assertThat(s.path("appliedVersion").asLong()).isEqualTo(versions.get(edge.cluster()));
      assertThat(s.path("lastNack").path("version").asLong())
          .isGreaterThan(versions.get(edge.cluster()));
    }
    assertThat(filesOfEveryEdge()).as("the previous version's files stay").isEqualTo(files);
    Map<String, JsonNode> clusters = clustersViaRest();
    for (String cluster : CLUSTERS) {
      JsonNode c = clusters.get(cluster);
      assertThat(c.path("failedVersion").asLong()).as(c.toString()).isPositive();
      assertThat(c.path("failedReason").asText()).as(c.toString()).contains("RE2");
      assertThat(c.path("appliedVersion").asLong())
          .as(c.toString())
          .isEqualTo(versions.get(cluster));
    }
  }

  /**
   * Issue 15 point 5 with real processes: a second agent with a copy of the first one's join token
   * (a leftover pod, a copied secret) is refused and says so, never takes the cluster over (the
   * first keeps its session through several of the second's retries at --max-backoff 1s), and
   * {@code clusters} shows the conflict.
   */
  @Test
  @Order(7)
  void aSecondAgentWithTheSameTokenIsRefusedAndTheConflictShowsInClusters() throws IOException {
    awaitAllConnected();
    EdgeProcess first = EDGES.get(A);
    var copy = new EdgeProcess.Layout(A, central.workDir().resolve("edge-" + A + "-copy"));
    Files.createDirectories(copy.dir());
    Files.copy(LAYOUTS.get(A).tokenFile(), copy.tokenFile());
    Files.copy(LAYOUTS.get(A).inventory(), copy.inventory());
    EdgeProcess second =
        EdgeProcess.start(
            copy,
            edgePort,
            central.workDir().resolve("edge-" + A + "-copy.log"),
            central.configHome());
    try {
      await(A + "'s second agent refused")
          .atMost(SYNC_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Files.readString(second.log()).contains("ANOTHER AGENT HOLDS CLUSTER"));
      await(A + "'s conflict in clusters")
          .atMost(SYNC_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !clustersViaRest().get(A).path("sessionConflict").asText().isEmpty());
      await(A + "'s first agent keeps the cluster")
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  first.status().path("connected").asBoolean()
                      && !second.status().path("connected").asBoolean());
    } finally {
      second.stop();
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private static EdgeProcess startEdge(String cluster) {
    EdgeProcess edge =
        EdgeProcess.start(
            LAYOUTS.get(cluster),
            edgePort,
            central.workDir().resolve("edge-" + cluster + "-" + ++edgeStarts + ".log"),
            central.configHome());
    EDGES.put(cluster, edge);
    return edge;
  }

  private static JsonNode awaitStatus(EdgeProcess edge, Predicate<JsonNode> condition) {
    return await(edge.cluster() + "'s /status")
        .atMost(SYNC_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .failFast(edge.cluster() + "'s agent ended", () -> !edge.isAlive())
        .until(edge::status, condition::test);
  }

  private static void awaitAllConnected() {
    for (EdgeProcess edge : EDGES.values()) {
      awaitStatus(edge, s -> s.path("connected").asBoolean());
    }
  }

  /** Polls {@code GET /api/v1/clusters} (a CLI run would take seconds on a busy machine). */
  private static void awaitHealth(String cluster, String health) {
    await(cluster + " " + health)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> clustersViaRest().get(cluster).path("health").asText(), health::equals);
  }

  /** {@code trestle clusters -o json}, by cluster name. */
  private static Map<String, JsonNode> clustersViaCli() {
    CliResult r = central.cli().run("clusters", "-o", "json");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    Map<String, JsonNode> byName = byName(Documents.json(r.stdout()));
    assertThat(byName).as(r.toString()).containsKeys(A, B);
    return byName;
  }

  /** The same over REST. */
  private static Map<String, JsonNode> clustersViaRest() {
    Map<String, JsonNode> byName = byName(central.rest().clusters());
    assertThat(byName).containsKeys(A, B);
    return byName;
  }

  private static Map<String, JsonNode> byName(JsonNode listClusters) {
    var byName = new LinkedHashMap<String, JsonNode>();
    for (JsonNode c : listClusters.path("clusters")) {
      byName.put(name(c), c);
    }
    return byName;
  }

  /** The CLUSTER and STATE columns of {@code status}/{@code wait} table output, by name. */
  private static Map<String, String> statesByCluster(CliResult r) {
    var states = new LinkedHashMap<String, String>();
    for (String line : r.stdoutLines()) {
      String[] cells = line.trim().split("\\s+");
      if (cells.length >= 2 && cells[0].startsWith(ORG + "/clusters/")) {
        states.put(cells[0].substring(cells[0].lastIndexOf('/') + 1), cells[1]);
      }
    }
    return states;
  }

  private static String name(JsonNode cluster) {
    String fqn = cluster.path("fqn").asText();
    return fqn.substring(fqn.lastIndexOf('/') + 1);
  }

  /** A ResourceStatus's per-cluster entries, by cluster name. */
  private static Map<String, JsonNode> perCluster(JsonNode status) {
    var byName = new LinkedHashMap<String, JsonNode>();
    for (JsonNode c : status.path("clusters")) {
      String cluster = c.path("cluster").asText();
      byName.put(cluster.substring(cluster.lastIndexOf('/') + 1), c);
    }
    return byName;
  }

  private static Map<String, Long> appliedVersions() {
    var versions = new LinkedHashMap<String, Long>();
    EDGES.forEach((c, e) -> versions.put(c, e.status().path("appliedVersion").asLong()));
    return versions;
  }

  private static Map<String, SortedMap<String, String>> filesOfEveryEdge() {
    var files = new LinkedHashMap<String, SortedMap<String, String>>();
    EDGES.forEach((c, e) -> files.put(c, e.files()));
    return files;
  }

  /** The content of the cart route's VirtualService file in an edge's out dir. */
  private static String cartVirtualService(EdgeProcess edge) {
    List<String> matches = edge.filesMatching(AcmeExample.CART_VIRTUAL_SERVICE);
    assertThat(matches).as("cart VirtualService files of %s", edge.cluster()).hasSize(1);
    return matches.get(0);
  }

  private static void apply(ObjectNode doc, String file) {
    Path path = Documents.writeJson(central.workDir().resolve(file), doc);
    CliResult r = central.cli().run("apply", "-f", path.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).as(r.toString()).contains(CART + " updated");
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
