package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cassandra storage profile against a real Cassandra (issue 7, point 4): a single node started
 * by the test in its own JVM ({@link CassandraNode}), and a real {@code trestle server} process on
 * it. Writes are journaled in Cassandra (read back with CQL), not in the read-model database; the
 * audit projection writes one row per change and the desired-state projection reaches a connected
 * edge agent, both reading events by tag from Cassandra; after a kill -9 of central, state,
 * versions and history come back from Cassandra, the next write continues the version sequence, and
 * nothing is audited twice. The tests build on each other, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraJournalIT {
  private static final String KEYSPACE = "trestle_it";

  @RegisterExtension
  @Order(1)
  static final CassandraNode cassandra = new CassandraNode();

  @RegisterExtension
  @Order(2)
  static final CentralServer central =
      new CentralServer(
              new ServerProcess.Options(
                  false,
                  0,
                  Map.of(
                      "TRESTLE_STORAGE_PROFILE",
                      "cassandra",
                      "TRESTLE_CASSANDRA_CONTACT_POINTS",
                      cassandra.contactPoint(),
                      "TRESTLE_CASSANDRA_DATACENTER",
                      CassandraNode.DATACENTER,
                      "TRESTLE_CASSANDRA_KEYSPACE",
                      KEYSPACE)))
          .deleteWorkDirWhenAllPass();

  private static final String CLUSTER = "eu-west-1a";
  private static final String CART = AcmeExample.CART;
  private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(60);
  private static final long CLASS_START_MILLIS = System.currentTimeMillis();

  private static CqlSession cql;
  private static EdgeProcess edge;
  private static EdgeProcess.Layout layout;
  private static int edgeStarts;
  private static final ObjectNode cart = AcmeExample.cart();

  @BeforeAll
  static void connectCql() {
    cql =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress("127.0.0.1", cassandra.nativePort()))
            .withLocalDatacenter(CassandraNode.DATACENTER)
            .build();
  }

  @AfterAll
  static void closeAll() {
    if (edge != null && !edge.stop()) {
      System.err.println("the edge agent needed a SIGKILL; see " + edge.log());
    }
    if (cql != null) {
      cql.close();
    }
  }

  @Test
  @Order(1)
  void appliedResourcesAreJournaledInCassandraNotInTheReadModelDatabase() {
    long start = System.nanoTime();
    CliResult apply = central.cli().run("apply", "-f", AcmeExample.DIR.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    SortedMap<String, Long> versions = central.rest().versions();
    assertThat(versions).containsEntry(CART, 1L).hasSizeGreaterThanOrEqualTo(44);

    for (String fqn : versions.keySet()) {
      assertThat(journaledSequenceNumbers(fqn))
          .as("journal rows of %s in Cassandra", fqn)
          .isNotEmpty();
    }
    // A leaf has exactly one event per version (parents also journal their children).
    assertThat(journaledSequenceNumbers(CART)).containsExactly(1L);
    assertThat(
            cql.execute(
                    "SELECT keyspace_name FROM system_schema.tables WHERE keyspace_name = ? AND"
                        + " table_name = ?",
                    KEYSPACE,
                    "snapshots")
                .one())
        .as("snapshot table in " + KEYSPACE)
        .isNotNull();
    report("apply of examples/acme, journal read back over CQL", start);
  }

  @Test
  @Order(2)
  void projectionsAuditEveryChangeOnceAndServeTheConnectedEdge() throws IOException {
    long start = System.nanoTime();
    layout = new EdgeProcess.Layout(CLUSTER, central.workDir().resolve("edge-" + CLUSTER));
    Files.createDirectories(layout.dir());
    CliResult token =
        central.cli().run("cluster", "token", CLUSTER, "--out-file", layout.tokenFile().toString());
    assertThat(token.exitCode()).as(token.toString()).isZero();
    Files.writeString(layout.inventory(), AcmeExample.inventory(CLUSTER));
    startEdge();
    JsonNode first =
        awaitEdge(s -> s.path("connected").asBoolean() && s.path("appliedVersion").asLong() > 0);
    assertThat(cartVirtualService()).contains("source-fqn: " + CART).doesNotContain("timeout: 3s");

    setOptInTimeout("3s", "cart-v2.json");
    awaitEdge(s -> s.path("appliedVersion").asLong() > first.path("appliedVersion").asLong());
    await("the edge's cart VirtualService with the new timeout")
        .atMost(PROJECTION_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> cartVirtualService().contains("timeout: 3s"));

    SortedMap<String, Long> versions = central.rest().versions();
    assertThat(versions).containsEntry(CART, 2L);
    awaitAuditedExactlyOnce(versions);
    assertThat(historyVersions(CART)).containsExactly(2L, 1L);
    // The lag monitor reads the Cassandra backlog: every slice has a time-based offset (epoch ms
    // of its last event, so after this class started) and, once caught up, nothing pending.
    await("every projection slice caught up in /health")
        .atMost(PROJECTION_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(central.rest().health().path("projections"))
                    .hasSize(5)
                    .allSatisfy(
                        p -> {
                          assertThat(p.path("offset").asLong())
                              .as(p.toString())
                              .isGreaterThan(CLASS_START_MILLIS);
                          assertThat(p.path("pendingEvents").asLong()).as(p.toString()).isZero();
                        }));
    report("edge connected, change applied by it, audit complete", start);
  }

  @Test
  @Order(3)
  void aCrashedCentralRecoversStateAndVersionsFromCassandra() throws SQLException {
    SortedMap<String, Long> before = central.rest().versions();
    central.kill();
    assertReadModelDatabaseHasNoJournal();

    long start = System.nanoTime();
    central.start();
    report("central restart on Cassandra (after kill -9)", start);
    start = System.nanoTime();
    assertThat(central.rest().versions()).isEqualTo(before);
    assertThat(historyVersions(CART)).containsExactly(2L, 1L);

    // The recovered entity continues its version sequence: 3, not a new resource at 1.
    setOptInTimeout("4s", "cart-v3.json");
    SortedMap<String, Long> after = central.rest().versions();
    assertThat(after).containsEntry(CART, 3L);
    assertThat(journaledSequenceNumbers(CART)).containsExactly(1L, 2L, 3L);
    awaitEdge(s -> s.path("connected").asBoolean());
    await("the edge's cart VirtualService after the restart")
        .atMost(PROJECTION_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> cartVirtualService().contains("timeout: 4s"));
    // The projections resumed from their TimeBasedUUID offsets: nothing audited twice.
    awaitAuditedExactlyOnce(after);
    report("write after recovery reached the edge and the audit log", start);
  }

  // --- helpers -----------------------------------------------------------------------------

  /** Sequence numbers of a resource's events in Cassandra's messages table (first partition). */
  private static List<Long> journaledSequenceNumbers(String fqn) {
    var rows =
        cql.execute(
            "SELECT sequence_nr FROM "
                + KEYSPACE
                + ".messages WHERE persistence_id = ? AND partition_nr = 0",
            "config-resource|" + fqn);
    var out = new ArrayList<Long>();
    rows.forEach(r -> out.add(r.getLong(0)));
    return out;
  }

  /** With central down: the read-model H2 file holds audit rows and offsets, but no journal. */
  private static void assertReadModelDatabaseHasNoJournal() throws SQLException {
    String url = "jdbc:h2:file:" + central.workDir().resolve("data").resolve("trestle");
    Set<String> tables = new HashSet<>();
    try (var c = DriverManager.getConnection(url, "sa", "");
        var rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        tables.add(rs.getString("TABLE_NAME").toLowerCase());
      }
    }
    assertThat(tables)
        .contains("pekko_projection_offset_store")
        .doesNotContain("event_journal", "snapshot");
  }

  /**
   * Waits until the audit log has, for every resource, exactly one accepted row per version 1..N,
   * and no second row for any of them.
   */
  private static void awaitAuditedExactlyOnce(SortedMap<String, Long> versions) {
    await("one audit row per resource version")
        .atMost(PROJECTION_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Map<String, List<Long>> audited = auditedVersions();
              versions.forEach(
                  (fqn, version) ->
                      assertThat(audited.getOrDefault(fqn, List.of()))
                          .as("audited versions of %s", fqn)
                          .containsExactlyInAnyOrderElementsOf(
                              LongStream.rangeClosed(1, version).boxed().toList()));
            });
  }

  /** FQN to the versions of its accepted create/update/delete rows (refusals have version 0). */
  private static Map<String, List<Long>> auditedVersions() {
    Map<String, List<Long>> out = new TreeMap<>();
    String token = "";
    do {
      JsonNode page =
          central
              .rest()
              .audit(
                  "resource=organizations/acme&recursive=true&pageSize=1000"
                      + (token.isEmpty()
                          ? ""
                          : "&pageToken="
                              + java.net.URLEncoder.encode(
                                  token, java.nio.charset.StandardCharsets.UTF_8)));
      for (JsonNode e : page.path("entries")) {
        String operation = e.path("operation").asText();
        if (e.path("version").asLong() > 0 && operation.matches(".*(CREATE|UPDATE|DELETE)$")) {
          out.computeIfAbsent(e.path("fqn").asText(), k -> new ArrayList<>())
              .add(e.path("version").asLong());
        }
      }
      token = page.path("nextPageToken").asText("");
    } while (!token.isEmpty());
    return out;
  }

  /** Versions of the resource's history (read from the journal), newest first. */
  private static List<Long> historyVersions(String fqn) {
    var out = new ArrayList<Long>();
    central.rest().history(fqn).path("entries").forEach(e -> out.add(e.path("version").asLong()));
    return out;
  }

  private static void setOptInTimeout(String timeout, String file) {
    ObjectNode optIn = (ObjectNode) cart.path("spec").path("httpRoutes").path(0);
    assertThat(optIn.path("name").asText()).isEqualTo("canary-opt-in");
    optIn.put("timeout", timeout);
    Path path = Documents.writeJson(central.workDir().resolve(file), cart);
    CliResult r = central.cli().run("apply", "-f", path.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout()).as(r.toString()).contains(CART + " updated");
  }

  private static void startEdge() {
    edge =
        EdgeProcess.start(
            layout,
            central.running().edgePort(),
            central.workDir().resolve("edge-" + CLUSTER + "-" + ++edgeStarts + ".log"),
            central.configHome());
  }

  private static JsonNode awaitEdge(Predicate<JsonNode> condition) {
    return await(CLUSTER + "'s /status")
        .atMost(PROJECTION_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .failFast(CLUSTER + "'s agent ended (see " + edge.log() + ")", () -> !edge.isAlive())
        .until(edge::status, condition::test);
  }

  private static String cartVirtualService() {
    List<String> matches = edge.filesMatching(AcmeExample.CART_VIRTUAL_SERVICE);
    return matches.size() == 1 ? matches.get(0) : "";
  }

  private static void report(String what, long startNanos) {
    System.out.printf(
        "CassandraJournalIT: %s took %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
  }
}
