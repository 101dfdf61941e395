package dev.trestle.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Timestamps;
import dev.trestle.app.Central;
import dev.trestle.audit.AuditProjection;
import dev.trestle.clusters.ClusterEntity;
import dev.trestle.desiredstate.DesiredStateProjection;
import dev.trestle.edgesync.EdgeTestClient;
import dev.trestle.management.ResourceEntity;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ListClustersRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.CentralNodes;
import dev.trestle.testing.ShardProbe;
import dev.trestle.testsupport.AcmeChanges;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three central nodes in one JVM (one H2 database), joined through a seed node: entities spread
 * over every node, any node serves the API and edge streams, an edge on one node gets the deltas
 * the projection computes on another, and when a node leaves, its projections and its cluster
 * entities start again on the others by themselves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeCentralTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ORG = "organizations/acme";
  private static final String C1 = ORG + "/clusters/eu-west-1a";
  private static final int EXTRA_CLUSTERS = 12;
  private static CentralNodes nodes;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    nodes = CentralNodes.start(3, "");
    for (Central n : nodes.running()) {
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", n.apiAddress().getPort(), InsecureChannelCredentials.create())
              .build());
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (Central n : nodes.running()) {
                assertThat(upMembers(n)).isEqualTo(3);
              }
            });
    var docs = new StringBuilder();
    try (Stream<Path> files = Files.list(Path.of("../../examples/acme"))) {
      for (Path f : files.sorted().toList()) {
        docs.append(Files.readString(f)).append("\n---\n");
      }
    }
    for (int i = 1; i <= EXTRA_CLUSTERS; i++) {
      docs.append(
          String.format(
              """
              apiVersion: trestle.dev/v1
              kind: Cluster
              metadata: {name: extra-%02d, organization: acme}
              spec: {network: eu-net, locality: {region: eu-west-1, zone: eu-west-1a}, trustDomain: acme.mesh}
              ---
              """,
              i));
    }
    apply(1, docs.toString());
  }

  @AfterAll
  static void stop() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  @Order(1)
  void everyNodeHostsEntitiesAndServesTheApi() throws Exception {
    // Every cluster entity started (a token each), then counted per node.
    for (int i = 1; i <= EXTRA_CLUSTERS; i++) {
      token(i % 3, String.format("extra-%02d", i));
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Set<String> all = new HashSet<>();
              for (Central n : nodes.running()) {
                Set<String> resources = ShardProbe.entitiesOn(n, ResourceEntity.TYPE_KEY.name());
                Set<String> clusters = ShardProbe.entitiesOn(n, ClusterEntity.TYPE_KEY.name());
                assertThat(resources)
                    .as("resource entities on %s", n.system().address())
                    .isNotEmpty();
                assertThat(clusters)
                    .as("cluster entities on %s", n.system().address())
                    .isNotEmpty();
                all.addAll(clusters);
              }
              assertThat(all).hasSize(EXTRA_CLUSTERS);
            });
    // What one node wrote, every node reads (from whichever node holds the entity).
    for (int i = 0; i < 3; i++) {
      var got =
          ManagementServiceGrpc.newBlockingStub(channels.get(i))
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .get(GetRequest.newBuilder().setFqn(ORG + "/clusters/extra-07").build());
      assertThat(got.getMetadata().getName()).isEqualTo("extra-07");
    }
  }

  @Test
  @Order(2)
  void anEdgeOnOneNodeGetsTheDeltaProjectedOnAnother() throws Exception {
    int projector = daemonNode(DesiredStateProjection.NAME);
    int edgeNode = (projector + 1) % 3;
    int writer = (projector + 2) % 3;
    String token = token(writer, "eu-west-1a");
    try (var edge = new EdgeTestClient(edgeChannel(edgeNode), hello(token))) {
      long version = ackFirstState(edge);
      // ACK and heartbeat travel from the edge's node to the cluster entity, wherever it runs.
      var connected = clusterInfo(writer);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(clusterInfo(writer).getAppliedVersion()).isEqualTo(version));
      edge.heartbeat(
          Inventory.newBuilder().addNamespaces("checkout").addNamespaces("ledger").build());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          Timestamps.compare(
                              clusterInfo(writer).getLastHeartbeat(), connected.getLastHeartbeat()))
                      .isPositive());
      long started = System.nanoTime();
      applyCartWeights(writer, 70, 30);
      CentralMessage delta = edge.next(WAIT);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(delta.hasDelta()).as("a delta, not %s", delta.getMessageCase()).isTrue();
      assertThat(delta.getDelta().getFromVersion()).isEqualTo(version);
      System.out.printf(
          "delta written on node %d, projected on node %d, reached the edge on node %d in %d ms%n",
          writer, projector, edgeNode, millis);
    }
  }

  @Test
  @Order(3)
  void whenANodeLeavesItsProjectionsAndClusterEntitiesRunOnTheOthers() throws Exception {
    int leaving = daemonNode(DesiredStateProjection.NAME);
    Set<String> leavingClusters =
        ShardProbe.entitiesOn(nodes.node(leaving), ClusterEntity.TYPE_KEY.name());
    Set<String> allClusters = new HashSet<>();
    for (Central n : nodes.running()) {
      allClusters.addAll(ShardProbe.entitiesOn(n, ClusterEntity.TYPE_KEY.name()));
    }
    assertThat(leavingClusters).as("cluster entities on the leaving node").isNotEmpty();
    int edgeNode = (leaving + 1) % 3;
    int writer = (leaving + 2) % 3;
    String token = token(writer, "eu-west-1a");
    try (var edge = new EdgeTestClient(edgeChannel(edgeNode), hello(token))) {
      long version = ackFirstState(edge);
      long stopped = System.nanoTime();
      nodes.stop(leaving);

      // Nobody sends them anything: remember-entities starts them on the remaining nodes.
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                Set<String> running = new HashSet<>();
                for (Central n : nodes.running()) {
                  running.addAll(ShardProbe.entitiesOn(n, ClusterEntity.TYPE_KEY.name()));
                }
                assertThat(running).containsAll(allClusters);
              });
      long entitiesBack = (System.nanoTime() - stopped) / 1_000_000;
      // The projection runs again elsewhere: a change written now reaches the edge.
      applyCartWeights(writer, 40, 60);
      CentralMessage delta = edge.next(WAIT);
      long deltaBack = (System.nanoTime() - stopped) / 1_000_000;
      assertThat(delta.hasDelta()).as("a delta, not %s", delta.getMessageCase()).isTrue();
      assertThat(delta.getDelta().getFromVersion()).isEqualTo(version);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                int count = 0;
                for (Central n : nodes.running()) {
                  count +=
                      ShardProbe.entitiesOn(
                              n, ShardProbe.daemonProcess(DesiredStateProjection.NAME))
                          .size();
                }
                assertThat(count).isEqualTo(1);
              });
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                Set<String> slices = new HashSet<>();
                for (Central n : nodes.running()) {
                  slices.addAll(
                      ShardProbe.entitiesOn(n, ShardProbe.daemonProcess(AuditProjection.NAME)));
                }
                assertThat(slices).hasSize(dev.trestle.core.ConfigTags.SLICES);
              });
      System.out.printf(
          "node %d left: %d cluster entities back after %d ms, delta at the edge after %d ms%n",
          leaving, leavingClusters.size(), entitiesBack, deltaBack);
    }
  }

  // ---- helpers ----

  private static long upMembers(Central n) {
    var members = Cluster.get(n.system()).state().getMembers();
    long up = 0;
    for (var m : members) {
      if (m.status() == MemberStatus.up()) {
        up++;
      }
    }
    return up;
  }

  /** The index of the node that runs the (single-instance) daemon {@code name}. */
  private static int daemonNode(String name) throws Exception {
    var found = new int[] {-1};
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int i = 0; i < 3; i++) {
                Central n = nodes.node(i);
                if (n != null
                    && !ShardProbe.entitiesOn(n, ShardProbe.daemonProcess(name)).isEmpty()) {
                  found[0] = i;
                }
              }
              assertThat(found[0]).as("node running %s", name).isNotNegative();
            });
    return found[0];
  }

  private static ClusterInfo clusterInfo(int node) {
    return ClusterServiceGrpc.newBlockingStub(channels.get(node))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .listClusters(ListClustersRequest.getDefaultInstance())
        .getClustersList()
        .stream()
        .filter(c -> c.getFqn().equals(C1))
        .findFirst()
        .orElseThrow();
  }

  private static ManagedChannel edgeChannel(int node) {
    var channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                nodes.node(node).edgeAddress().getPort(),
                InsecureChannelCredentials.create())
            .build();
    channels.add(channel);
    return channel;
  }

  private static String token(int node, String cluster) {
    return ClusterServiceGrpc.newBlockingStub(channels.get(node))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  private static Hello hello(String token) {
    return Hello.newBuilder()
        .setCluster(C1)
        .setToken(token)
        .setAgentVersion("test")
        .setInventory(Inventory.newBuilder().addNamespaces("checkout").addNamespaces("ledger"))
        .build();
  }

  /** Welcome, then the first snapshot, ACKed; returns its version. */
  private static long ackFirstState(EdgeTestClient edge) throws InterruptedException {
    assertThat(edge.next(WAIT).hasWelcome()).isTrue();
    CentralMessage first = edge.next(WAIT);
    assertThat(first.hasSnapshot()).isTrue();
    edge.ack(first.getSnapshot().getVersion(), first.getSnapshot().getSetHash());
    return first.getSnapshot().getVersion();
  }

  private static void applyCartWeights(int node, int v1, int v2) {
    apply(node, AcmeChanges.cartWeights(v1, v2));
  }

  private static void apply(int node, String yaml) {
    var response =
        ManagementServiceGrpc.newBlockingStub(channels.get(node))
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .apply(
                ApplyRequest.newBuilder()
                    .addAllResources(
                        ResourceDocuments.parse(yaml).stream()
                            .map(d -> d.resource())
                            .filter(java.util.Objects::nonNull)
                            .toList())
                    .build());
    assertThat(response.getResultsList())
        .allSatisfy(r -> assertThat(r.getError().getMessage()).isEmpty());
  }
}
