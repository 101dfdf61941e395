package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ListClustersRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testsupport.AcmeChanges;
import dev.trestle.testsupport.PostgresFixture;
import dev.trestle.testsupport.TestDatabase;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The fault test of issue 7, point 3: PostgreSQL and three {@code trestle server} processes on
 * loopback forming one cluster through seed nodes, a continuous stream of writes spread over the
 * nodes, two {@code trestle edge} agents each given all three edge addresses. Node 0, the first
 * seed (and so the oldest member, holding the shard coordinator) and the node one edge streams
 * from, is killed with SIGKILL. Then: every acknowledged write appears in the audit log exactly
 * once; writes on the surviving nodes succeed again within a bound (measured); the edge moves to
 * another node and both edges take the next change as a delta (no snapshot sent by any node); node
 * 0, restarted on its address, rejoins the cluster and serves writes.
 */
class CentralFaultIT {
  private static final String ORG = "organizations/acme";
  private static final List<String> CLUSTERS = List.of("eu-west-1a", "eu-west-1b");
  private static final String SNAPSHOTS = "trestle_edge_snapshots_sent_total";
  private static final String DELTAS = "trestle_edge_deltas_sent_total";
  private static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * Failure detection (~4 s) + split-brain resolver stable-after (7 s) + hand-over, with margin.
   */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(45);

  private static final Duration QUIET = Duration.ofSeconds(8);
  private static final int NODES = 3;

  private static TestDatabase database;
  private static Path workDir;
  private static Path configHome;
  private static final int[] clusterPorts = new int[NODES];
  private static final int[] edgePorts = new int[NODES];
  private static final ServerProcess[] nodes = new ServerProcess[NODES];

  /** API channels by node; the write stream reads it on every write, so a restart replaces one. */
  private static final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

  private static final Map<String, EdgeProcess> edges = new LinkedHashMap<>();
  private static boolean passed;

  /** On failure: the last lines of every node's and edge's log. */
  @RegisterExtension
  static final TestWatcher logs =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          for (int i = 0; i < NODES; i++) {
            if (nodes[i] != null) {
              System.err.printf(
                  "last lines of node %d (%s):%n%s%n", i, nodes[i].log(), nodes[i].outputTail(40));
            }
          }
          edges
              .values()
              .forEach(
                  e -> System.err.printf("last lines of %s:%n%s%n", e.log(), e.outputTail(30)));
          System.err.println("work directory kept: " + workDir);
        }

        @Override
        public void testSuccessful(ExtensionContext context) {
          passed = true;
        }
      };

  @BeforeAll
  static void startClusterAndEdges() throws Exception {
    database = PostgresFixture.get().createDatabase(CentralFaultIT.class.getSimpleName());
    workDir = TrestleRuntime.newWorkDir(CentralFaultIT.class.getSimpleName());
    configHome = Files.createDirectories(workDir.resolve("config-home"));
    for (int i = 0; i < NODES; i++) {
      clusterPorts[i] = freePort();
      edgePorts[i] = freePort();
    }
    // Started together: the schema, the cluster and the first seed's self-join race here.
    List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      int node = i;
      starting.add(CompletableFuture.supplyAsync(() -> startNode(node, "first")));
    }
    for (int i = 0; i < NODES; i++) {
      nodes[i] = starting.get(i).get(3, TimeUnit.MINUTES);
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", nodes[i].apiPort(), InsecureChannelCredentials.create())
              .build());
    }
    for (int i = 0; i < NODES; i++) {
      awaitMembersUp(i, NODES);
    }

    apply(1, acmeExample());
    for (String cluster : CLUSTERS) {
      var layout = new EdgeProcess.Layout(cluster, workDir.resolve("edge-" + cluster));
      Files.createDirectories(layout.dir());
      String token =
          ClusterServiceGrpc.newBlockingStub(channels.get(2))
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
              .getToken();
      Files.writeString(layout.tokenFile(), token + "\n");
      Files.writeString(layout.inventory(), AcmeExample.inventory(cluster));
      // eu-west-1a streams from node 0 (listed first), eu-west-1b from node 1.
      int first = edges.size();
      String central =
          Stream.of(first, first + 1, first + 2)
              .map(n -> "127.0.0.1:" + edgePorts[n % NODES])
              .collect(Collectors.joining(","));
      edges.put(
          cluster,
          EdgeProcess.start(
              layout, central, workDir.resolve("edge-" + cluster + ".log"), configHome));
    }
    for (String cluster : CLUSTERS) {
      awaitInSync(cluster, 0);
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    edges.values().forEach(EdgeProcess::stop);
    channels.forEach(ManagedChannel::shutdownNow);
    for (ServerProcess node : nodes) {
      if (node != null) {
        node.stop();
      }
    }
    if (database != null) {
      database.close();
    }
    if (passed && workDir != null) {
      try (Stream<Path> walk = Files.walk(workDir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void killingANodeLosesNoAcknowledgedWriteWritesResumeEdgesResumeByDeltaAndTheNodeRejoins()
      throws Exception {
    double snapshotsBefore = sumOnNodes(SNAPSHOTS, 1, 2);
    double deltasBefore = sumOnNodes(DELTAS, 1, 2);
    Map<String, Long> edgeSnapshotLines = new HashMap<>();
    edges.forEach((cluster, edge) -> edgeSnapshotLines.put(cluster, snapshotLines(edge)));

    try (var writes = new WriteStream(ORG, "load", channels, 4, Duration.ofMillis(40), 20_000)) {
      await().atMost(WAIT).until(() -> writes.acknowledged().size() >= 50);

      long killedAt = System.nanoTime();
      nodes[0].kill();
      writes.use(0, false); // the load balancer's health check drops the dead node

      // The edge that streamed from node 0 moves on to another node.
      EdgeProcess moved = edges.get(CLUSTERS.get(0));
      await().atMost(WAIT).until(() -> reconnectedElsewhere(moved));
      long edgeBackMillis = millisSince(killedAt);

      // Writes on the surviving nodes: failures (asks to entities on the dead node) stop within the
      // bound.
      await()
          .atMost(RECOVERY_BOUND.plus(QUIET).plus(Duration.ofSeconds(30)))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> quietSince(writes, killedAt).compareTo(QUIET) >= 0);
      List<WriteStream.Write> after =
          writes.writes().stream().filter(w -> w.answeredNanos() > killedAt).toList();
      long lastFailureMillis =
          after.stream()
              .filter(w -> !w.acknowledged())
              .mapToLong(w -> (w.answeredNanos() - killedAt) / 1_000_000)
              .max()
              .orElse(0);
      long firstAckMillis =
          after.stream()
              .filter(WriteStream.Write::acknowledged)
              .mapToLong(w -> (w.answeredNanos() - killedAt) / 1_000_000)
              .min()
              .orElse(-1);
      long failures = after.stream().filter(w -> !w.acknowledged()).count();
      assertThat(Duration.ofMillis(lastFailureMillis))
          .as("last failed write after the kill")
          .isLessThan(RECOVERY_BOUND);

      // The next change reaches both edges as a delta, whichever node projects it.
      Map<String, Long> desired = new HashMap<>();
      CLUSTERS.forEach(c -> desired.put(c, clusterInfo(c).getDesiredVersion()));
      applyCartWeights(2, 80, 20);
      for (String cluster : CLUSTERS) {
        awaitInSync(cluster, desired.get(cluster));
      }
      assertThat(sumOnNodes(SNAPSHOTS, 1, 2))
          .as("snapshots sent by the surviving nodes")
          .isEqualTo(snapshotsBefore);
      assertThat(sumOnNodes(DELTAS, 1, 2))
          .as("deltas sent by the surviving nodes")
          .isGreaterThanOrEqualTo(deltasBefore + 2);
      edges.forEach(
          (cluster, edge) ->
              assertThat(snapshotLines(edge))
                  .as("snapshots applied by %s", cluster)
                  .isEqualTo(edgeSnapshotLines.get(cluster)));

      // Node 0 back on its address: it rejoins and serves writes again.
      long restartedAt = System.nanoTime();
      nodes[0] = startNode(0, "restarted");
      channels.get(0).shutdownNow();
      channels.set(
          0,
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", nodes[0].apiPort(), InsecureChannelCredentials.create())
              .build());
      awaitMembersUp(1, NODES);
      awaitMembersUp(0, NODES);
      long rejoinMillis = millisSince(restartedAt);
      int acksBefore = acknowledgedOn(writes, 0);
      writes.use(0, true);
      await().atMost(WAIT).until(() -> acknowledgedOn(writes, 0) >= acksBefore + 10);
      writes.stop();

      // Every acknowledged write is in the audit log, exactly once.
      List<String> acknowledged =
          writes.acknowledged().stream().map(WriteStream.Write::fqn).toList();
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertThat(auditedCreates().keySet()).containsAll(acknowledged));
      Map<String, Long> audited = auditedCreates();
      assertThat(audited)
          .allSatisfy((fqn, count) -> assertThat(count).as("audit rows of %s", fqn).isEqualTo(1L));

      System.out.printf(
          "fault test: %d writes, %d acknowledged (all %d in the audit log once), %d failed after"
              + " the kill; kill -> first ack %d ms, kill -> last failed write %d ms; edge on"
              + " another node after %d ms; node 0 restart -> members Up %d ms%n",
          writes.writes().size(),
          acknowledged.size(),
          acknowledged.size(),
          failures,
          firstAckMillis,
          lastFailureMillis,
          edgeBackMillis,
          rejoinMillis);
    }
  }

  // ---- nodes ----

  private static ServerProcess startNode(int node, String run) {
    String seeds =
        Stream.of(0, 1, 2)
            .map(n -> "127.0.0.1:" + clusterPorts[n])
            .collect(Collectors.joining(","));
    var env =
        Map.of(
            "TRESTLE_STORAGE_PROFILE", "postgres",
            "TRESTLE_POSTGRES_URL", database.url(),
            "TRESTLE_POSTGRES_USER", database.user(),
            "TRESTLE_CLUSTER_PORT", Integer.toString(clusterPorts[node]),
            "TRESTLE_SEED_NODES", seeds,
            // An ask to an entity on a dead node fails fast; writes are retried by the client
            // anyway.
            "TRESTLE_ASK_TIMEOUT", "3s",
            "TRESTLE_EDGE_HEARTBEAT_INTERVAL", "1s",
            "TRESTLE_EDGE_UNHEALTHY_AFTER_MISSED", "60",
            "TRESTLE_WRITES_PER_SECOND", "0");
    return ServerProcess.start(
        workDir.resolve("node-" + node),
        workDir.resolve("node-" + node + "-" + run + ".log"),
        configHome,
        new ServerProcess.Options(false, edgePorts[node], env));
  }

  private static void awaitMembersUp(int node, int count) {
    var probe = new RestProbe(() -> nodes[node]);
    await("members Up seen by node " + node)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonNode members = probe.clusterMembers();
              long up = 0;
              for (JsonNode m : members.path("members")) {
                if (m.path("status").asText().equals("Up")) {
                  up++;
                }
              }
              assertThat(up).as(members.toString()).isEqualTo(count);
              assertThat(members.path("unreachable")).as(members.toString()).isEmpty();
            });
  }

  private static double sumOnNodes(String metric, int... which) {
    double sum = 0;
    for (int n : which) {
      int node = n;
      sum += new RestProbe(() -> nodes[node]).metrics().getOrDefault(metric, 0.0);
    }
    return sum;
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // ---- writes and the audit log ----

  private static void apply(int node, String yaml) {
    var response =
        ManagementServiceGrpc.newBlockingStub(channels.get(node))
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .apply(
                ApplyRequest.newBuilder()
                    .addAllResources(
                        ResourceDocuments.parse(yaml).stream()
                            .map(d -> d.resource())
                            .filter(Objects::nonNull)
                            .toList())
                    .build());
    assertThat(response.getResultsList())
        .allSatisfy(r -> assertThat(r.getError().getMessage()).isEmpty());
  }

  private static String acmeExample() throws IOException {
    var docs = new StringBuilder();
    try (Stream<Path> files = Files.list(TrestleRuntime.examples("acme"))) {
      for (Path f : files.sorted().toList()) {
        docs.append(Files.readString(f)).append("\n---\n");
      }
    }
    return docs.toString();
  }

  private static void applyCartWeights(int node, int v1, int v2) {
    apply(node, AcmeChanges.cartWeights(v1, v2));
  }

  /** Time since the last failed write answered after {@code since} (or since then, if none). */
  private static Duration quietSince(WriteStream writes, long since) {
    long lastFailure =
        writes.writes().stream()
            .filter(w -> !w.acknowledged() && w.answeredNanos() > since)
            .mapToLong(WriteStream.Write::answeredNanos)
            .max()
            .orElse(since);
    boolean ackedSince =
        writes.writes().stream().anyMatch(w -> w.acknowledged() && w.answeredNanos() > lastFailure);
    return ackedSince ? Duration.ofNanos(System.nanoTime() - lastFailure) : Duration.ZERO;
  }

  private static int acknowledgedOn(WriteStream writes, int node) {
    return (int) writes.acknowledged().stream().filter(w -> w.node() == node).count();
  }

  /** Audit rows of accepted tenant creations under the org, by FQN (all pages), asked of node 2. */
  private static Map<String, Long> auditedCreates() {
    var counts = new HashMap<String, Long>();
    String token = "";
    do {
      var page =
          AuditServiceGrpc.newBlockingStub(channels.get(2))
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .query(
                  AuditQueryRequest.newBuilder()
                      .setResource(ORG)
                      .setRecursive(true)
                      .setKind("Tenant")
                      .setOperation(AuditOperation.CREATE)
                      .setOutcome(AuditOutcome.ACCEPTED)
                      .setPageSize(1000)
                      .setPageToken(token)
                      .build());
      for (AuditEntry e : page.getEntriesList()) {
        if (e.getFqn().startsWith(ORG + "/tenants/load-")) {
          counts.merge(e.getFqn(), 1L, Long::sum);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return counts;
  }

  // ---- edges ----

  private static ClusterInfo clusterInfo(String cluster) {
    return ClusterServiceGrpc.newBlockingStub(channels.get(1))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .listClusters(ListClustersRequest.getDefaultInstance())
        .getClustersList()
        .stream()
        .filter(c -> c.getName().equals(cluster))
        .findFirst()
        .orElseThrow();
  }

  /** Connected, and applied what central wants, at a version above {@code previous}. */
  private static void awaitInSync(String cluster, long previous) {
    EdgeProcess edge = edges.get(cluster);
    await(cluster + " in sync")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(300))
        .ignoreExceptions()
        .failFast(cluster + "'s agent ended", () -> !edge.isAlive())
        .untilAsserted(
            () -> {
              JsonNode status = edge.status();
              ClusterInfo info = clusterInfo(cluster);
              assertThat(status.path("connected").asBoolean()).as(status.toString()).isTrue();
              assertThat(info.getDesiredVersion()).isGreaterThan(previous);
              assertThat(status.path("appliedVersion").asLong())
                  .as(status.toString())
                  .isEqualTo(info.getDesiredVersion());
              assertThat(info.getAppliedVersion()).isEqualTo(info.getDesiredVersion());
            });
  }

  /** The agent's log says it is connected to node 1 or 2 (after node 0's death). */
  private static boolean reconnectedElsewhere(EdgeProcess edge) throws IOException {
    if (!edge.status().path("connected").asBoolean()) {
      return false;
    }
    String log = Files.readString(edge.log());
    int lastConnect = log.lastIndexOf("connected to central ");
    return lastConnect >= 0
        && (log.startsWith(
                "127.0.0.1:" + edgePorts[1], lastConnect + "connected to central ".length())
            || log.startsWith(
                "127.0.0.1:" + edgePorts[2], lastConnect + "connected to central ".length()));
  }

  private static long snapshotLines(EdgeProcess edge) {
    try (Stream<String> lines = Files.lines(edge.log())) {
      return lines
          .filter(l -> l.contains("applied snapshot version") || l.contains("snapshot version"))
          .count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
