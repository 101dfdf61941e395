package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.ClusterHealth;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.GetStatusRequest;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.IssueJoinTokenResponse;
import dev.trestle.protocol.v1.ListClustersRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Nack;
import dev.trestle.protocol.v1.ObjectError;
import dev.trestle.protocol.v1.ObjectKey;
import dev.trestle.protocol.v1.RevokeJoinTokenRequest;
import dev.trestle.protocol.v1.SyncState;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestCentral;
import dev.trestle.testing.TestStorage;
import dev.trestle.testsupport.AcmeChanges;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Edge streams against a real central (secure mode, the acme example applied): admission by join
 * token, snapshot then delta on resume, ACK/NACK into status, health from heartbeats, tokens that
 * rotate and revoke, and a journal that stays bounded under a long heartbeat stream.
 */
@ExtendWith(StorageSelection.class)
class EdgeStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ORG = "organizations/acme";
  private static final String C1 = ORG + "/clusters/eu-west-1a";
  private static final String C2 = ORG + "/clusters/eu-west-1b";
  private static final String CART =
      ORG + "/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/cart";
  private static TestCentral central;
  private static ManagedChannel api;
  private static ManagedChannel edge;
  private static String admin;

  @BeforeAll
  static void start(TestStorage storage) throws Exception {
    central =
        TestCentral.startSecure(
            storage,
            """
            trestle.edge.heartbeat-interval = 300ms
            trestle.edge.unhealthy-after-missed = 2
            trestle.clusters.snapshot-every = 20
            trestle.clusters.keep-snapshots = 2
            """);
    api =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    edge =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                central.central().edgeAddress().getPort(),
                InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    applyAcmeExample(api, admin);
  }

  /** Applies every document of examples/acme as the given principal. */
  static void applyAcmeExample(ManagedChannel api, String token) throws java.io.IOException {
    var docs = new StringBuilder();
    try (Stream<Path> files = Files.list(Path.of("../../examples/acme"))) {
      for (Path f : files.sorted().toList()) {
        docs.append(Files.readString(f)).append("\n---\n");
      }
    }
    ManagementServiceGrpc.newBlockingStub(api)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .apply(
            ApplyRequest.newBuilder()
                .addAllResources(
                    ResourceDocuments.parse(docs.toString()).stream()
                        .map(d -> d.resource())
                        .filter(java.util.Objects::nonNull)
                        .toList())
                .build());
  }

  @AfterAll
  static void stop() throws Exception {
    edge.shutdownNow();
    api.shutdownNow();
    central.close();
  }

  static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        var md = new Metadata();
        md.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(md);
      }
    };
  }

  private static ClusterServiceGrpc.ClusterServiceBlockingStub clusters() {
    return ClusterServiceGrpc.newBlockingStub(api)
        .withCallCredentials(bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static IssueJoinTokenResponse token(String cluster, boolean rotate) {
    return clusters()
        .issueJoinToken(
            IssueJoinTokenRequest.newBuilder().setCluster(cluster).setRotate(rotate).build());
  }

  private static Inventory inventory(String... namespaces) {
    return Inventory.newBuilder().addAllNamespaces(List.of(namespaces)).build();
  }

  private static Hello hello(
      String cluster, String token, long version, String hash, Inventory inventory) {
    return Hello.newBuilder()
        .setCluster(cluster)
        .setToken(token)
        .setAgentVersion("test")
        .setLastAppliedVersion(version)
        .setLastAppliedHash(hash)
        .setInventory(inventory)
        .build();
  }

  private static ClusterInfo info(String fqn) {
    return clusters()
        .listClusters(ListClustersRequest.getDefaultInstance())
        .getClustersList()
        .stream()
        .filter(c -> c.getFqn().equals(fqn))
        .findFirst()
        .orElseThrow();
  }

  /** The first desired-state message after Welcome (skipping nothing else). */
  private static CentralMessage firstState(EdgeTestClient client) throws InterruptedException {
    assertThat(client.next(WAIT).hasWelcome()).isTrue();
    return client.next(WAIT);
  }

  @Test
  void anEdgeGetsItsSnapshotThenResumesByDeltaAndItsAckMakesTheRouteApplied() throws Exception {
    String token = token("eu-west-1a", false).getToken();
    long version;
    String hash;
    try (var client =
        new EdgeTestClient(
            edge, hello("eu-west-1a", token, 0, "", inventory("checkout", "ledger")))) {
      CentralMessage first = firstState(client);
      assertThat(first.hasSnapshot()).isTrue();
      version = first.getSnapshot().getVersion();
      hash = first.getSnapshot().getSetHash();
      assertThat(version).isPositive();
      assertThat(first.getSnapshot().getObjectsList())
          .anySatisfy(
              o -> {
                assertThat(o.getKey().getKind()).isEqualTo("VirtualService");
                assertThat(o.getSourceFqn()).isEqualTo(CART);
              });
      client.ack(version, hash);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                var status =
                    clusters().getStatus(GetStatusRequest.newBuilder().setFqn(CART).build());
                assertThat(status.getClustersList())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getCluster()).isEqualTo(C1);
                          assertThat(c.getState()).isEqualTo(SyncState.SYNC_APPLIED);
                        });
                ClusterInfo c1 = info(C1);
                assertThat(c1.getAppliedVersion()).isEqualTo(version);
                assertThat(c1.getConnected()).isTrue();
              });
    }
    await().atMost(WAIT).until(() -> !info(C1).getConnected());

    // While the edge is away, the route changes; on reconnect it gets only what changed.
    ManagementServiceGrpc.newBlockingStub(api)
        .withCallCredentials(bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .apply(
            ApplyRequest.newBuilder()
                .addAllResources(
                    ResourceDocuments.parse(AcmeChanges.cartWeights(50, 50)).stream()
                        .map(d -> d.resource())
                        .toList())
                .build());
    await().atMost(WAIT).until(() -> info(C1).getDesiredVersion() > version);
    try (var client =
        new EdgeTestClient(
            edge, hello(C1, token, version, hash, inventory("checkout", "ledger")))) {
      CentralMessage resumed = firstState(client);
      assertThat(resumed.hasDelta())
          .as("resume by delta, not snapshot: %s", resumed.getMessageCase())
          .isTrue();
      assertThat(resumed.getDelta().getFromVersion()).isEqualTo(version);
      assertThat(resumed.getDelta().getUpsertsList())
          .isNotEmpty()
          .allSatisfy(o -> assertThat(o.getJson()).isNotEmpty());
    }
  }

  @Test
  void aTokenSpeaksForItsOwnClusterOnlyAndRevocationEndsTheSession() throws Exception {
    String token = token("eu-west-1b", false).getToken();
    try (var impostor = new EdgeTestClient(edge, hello("eu-west-1a", token, 0, "", inventory()))) {
      assertThat(impostor.closed.get(20, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    try (var garbage =
        new EdgeTestClient(edge, hello("eu-west-1b", "trjt.bogus", 0, "", inventory()))) {
      assertThat(garbage.closed.get(20, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
    try (var client =
        new EdgeTestClient(edge, hello("eu-west-1b", token, 0, "", inventory("ledger")))) {
      assertThat(client.next(WAIT).hasWelcome()).isTrue();
      clusters().revokeJoinToken(RevokeJoinTokenRequest.newBuilder().setCluster(C2).build());
      Status closed = client.closed.get(20, TimeUnit.SECONDS);
      assertThat(closed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(closed.getDescription()).contains("revoked");
    }
    try (var again = new EdgeTestClient(edge, hello("eu-west-1b", token, 0, "", inventory()))) {
      assertThat(again.closed.get(20, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
    // Refused connections of a known cluster are audited like denied writes.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var refused =
                  AuditServiceGrpc.newBlockingStub(api)
                      .withCallCredentials(bearer(admin))
                      .query(
                          AuditQueryRequest.newBuilder()
                              .setResource(C2)
                              .setOutcome(dev.trestle.protocol.v1.AuditOutcome.REFUSED)
                              .build())
                      .getEntriesList();
              assertThat(refused)
                  .extracting(r -> r.getOperation().name())
                  .containsOnly("EDGE_CONNECT");
              assertThat(refused)
                  .anySatisfy(r -> assertThat(r.getMessage()).contains("not to 'eu-west-1a'"));
              assertThat(refused)
                  .anySatisfy(r -> assertThat(r.getMessage()).contains("unknown or revoked"));
              assertThat(refused).allSatisfy(r -> assertThat(r.getMessage()).doesNotContain(token));
            });
  }

  @Test
  void onlyAPrincipalWithSetPolicyOnTheClusterMintsItsTokensAndARefusalIsAudited()
      throws Exception {
    var iam =
        dev.trestle.protocol.v1.IamServiceGrpc.newBlockingStub(api)
            .withCallCredentials(bearer(admin))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    iam.createPrincipal(
        dev.trestle.protocol.v1.CreatePrincipalRequest.newBuilder()
            .setName("users/viewer")
            .build());
    String viewer =
        iam.issueToken(
                dev.trestle.protocol.v1.IssueTokenRequest.newBuilder()
                    .setPrincipal("users/viewer")
                    .build())
            .getToken();
    iam.setAccessBindings(
        dev.trestle.protocol.v1.SetAccessBindingsRequest.newBuilder()
            .setTarget(ORG)
            .addBindings(
                dev.trestle.protocol.v1.Binding.newBuilder()
                    .setRole("reader")
                    .addSubjects("users/viewer"))
            .build());
    var asViewer =
        ClusterServiceGrpc.newBlockingStub(api)
            .withCallCredentials(bearer(viewer))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    assertThat(asViewer.listClusters(ListClustersRequest.getDefaultInstance()).getClustersCount())
        .isEqualTo(3);
    var denied =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () ->
                asViewer.issueJoinToken(
                    IssueJoinTokenRequest.newBuilder().setCluster("us-east-1a").build()),
            io.grpc.StatusRuntimeException.class);
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        AuditServiceGrpc.newBlockingStub(api)
                            .withCallCredentials(bearer(admin))
                            .query(
                                AuditQueryRequest.newBuilder()
                                    .setPrincipal("users/viewer")
                                    .setOutcome(dev.trestle.protocol.v1.AuditOutcome.REFUSED)
                                    .build())
                            .getEntriesList())
                    .anySatisfy(
                        r -> {
                          assertThat(r.getFqn()).isEqualTo(ORG + "/clusters/us-east-1a");
                          assertThat(r.getMessage()).contains("PERMISSION_DENIED");
                        }));
  }

  @Test
  void silenceMakesAClusterUnhealthyANackShowsInStatusAndBothAreAudited() throws Exception {
    String token = token("us-east-1a", false).getToken();
    String cluster = ORG + "/clusters/us-east-1a";
    try (var client =
        new EdgeTestClient(
            edge, hello("us-east-1a", token, 0, "", inventory("inventory", "storefront")))) {
      CentralMessage state = firstState(client);
      long version = state.getSnapshot().getVersion();
      client.send(
          EdgeMessage.newBuilder()
              .setNack(
                  Nack.newBuilder()
                      .setVersion(version)
                      .setReason("VirtualService storefront/x: regex not RE2")
                      .setKeptVersion(0)
                      .addErrors(
                          ObjectError.newBuilder()
                              .setKey(
                                  ObjectKey.newBuilder()
                                      .setKind("VirtualService")
                                      .setNamespace("storefront")
                                      .setName("x"))
                              .setMessage("regex not RE2")))
              .build());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                ClusterInfo info = info(cluster);
                assertThat(info.getFailedVersion()).isEqualTo(version);
                assertThat(info.getFailedReason()).contains("regex not RE2");
              });
      // No heartbeats: 2 x 300 ms later the cluster is unhealthy.
      await()
          .atMost(WAIT)
          .until(() -> info(cluster).getHealth() == ClusterHealth.CLUSTER_UNHEALTHY);
      client.heartbeat(inventory("inventory", "storefront"));
      await().atMost(WAIT).until(() -> info(cluster).getHealth() == ClusterHealth.CLUSTER_HEALTHY);
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var rows =
                  AuditServiceGrpc.newBlockingStub(api)
                      .withCallCredentials(bearer(admin))
                      .query(AuditQueryRequest.newBuilder().setResource(cluster).build())
                      .getEntriesList();
              assertThat(rows)
                  .extracting(r -> r.getOperation().name())
                  .contains("NACK", "HEALTH", "EDGE_CONNECT", "EDGE_DISCONNECT", "UPDATE");
              assertThat(rows).allSatisfy(r -> assertThat(r.getMessage()).doesNotContain(token));
            });
  }

  @Test
  void aLongHeartbeatStreamKeepsTheClusterJournalBounded() throws Exception {
    String token = token("eu-west-1b", true).getToken();
    try (var client =
        new EdgeTestClient(edge, hello("eu-west-1b", token, 0, "", inventory("ledger")))) {
      assertThat(client.next(WAIT).hasWelcome()).isTrue();
      for (int i = 0; i < 300; i++) {
        client.heartbeat(inventory("ledger"));
      }
      await()
          .atMost(WAIT)
          .until(
              () -> {
                try (var c = central.central().settings().storage().openConnection();
                    var ps =
                        c.prepareStatement(
                            "SELECT COUNT(*), MAX(\"sequence_number\") FROM \"event_journal\" WHERE"
                                + " \"persistence_id\" = ?")) {
                  ps.setString(1, "edge-cluster|" + C2);
                  try (var rs = ps.executeQuery()) {
                    rs.next();
                    long rows = rs.getLong(1);
                    long highest = rs.getLong(2);
                    // Every heartbeat was journaled (the sequence passed 300), yet at most
                    // snapshot-every x (keep-snapshots + 1) rows remain.
                    return highest > 300 && rows <= 20 * 3;
                  }
                }
              });
    }
  }
}
