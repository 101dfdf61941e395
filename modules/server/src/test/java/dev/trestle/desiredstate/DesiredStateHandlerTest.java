package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredFixtures.cluster;
import static dev.trestle.desiredstate.DesiredFixtures.clusterResource;
import static dev.trestle.desiredstate.DesiredFixtures.group;
import static dev.trestle.desiredstate.DesiredFixtures.organization;
import static dev.trestle.desiredstate.DesiredFixtures.route;
import static dev.trestle.desiredstate.DesiredFixtures.serviceRoute;
import static dev.trestle.desiredstate.DesiredFixtures.tenant;
import static dev.trestle.desiredstate.DesiredFixtures.trafficGroup;
import static dev.trestle.desiredstate.DesiredFixtures.workspace;
import static dev.trestle.desiredstate.DesiredFixtures.ws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.DesiredSnapshot;
import dev.trestle.protocol.v1.ObjectKey;
import dev.trestle.rollouts.RolloutEvent;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import dev.trestle.storage.FailingCommits;
import dev.trestle.storage.PlainJdbcSession;
import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.IstioTranslator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The desired-state handler inside a real exactly-once JDBC projection (ProjectionTestKit, H2), fed
 * journal-like envelopes. Every {@link #project} call runs a new projection with a new handler on
 * the same database, as after a restart.
 */
class DesiredStateHandlerTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString("pekko.actor.provider = local")
              .withFallback(ConfigFactory.load()));
  private static final ExecutorService blocking = Executors.newFixedThreadPool(2);

  private static final String C1 = cluster("acme", "c1");
  private static final String C2 = cluster("acme", "c2");
  private static final String CART = route("acme", "cart");
  private static final String PAY = route("acme", "pay");
  private static final String VS = "VirtualService";
  private static final String DR = "DestinationRule";
  private static final String SIDECAR = "Sidecar";

  private ReadModelDatabase db;
  private DesiredStateStore store;
  private DesiredFixtures.Journal journal;
  private TestProbe<DesiredStateChanged> published;
  private CommittedDeltas committed;

  /**
   * Batches are cut by size or by the finite test source's end, never by the clock: each project()
   * call is one batch unless a test lowers batchMax.
   */
  private DesiredStateSettings settings = batched(1000, 500);

  private static DesiredStateSettings batched(int deltaHistory, int batchMax) {
    return new DesiredStateSettings(
        deltaHistory,
        dev.trestle.translator.MeshCatalog.Reachability.ALL,
        batchMax,
        Duration.ofSeconds(30));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  @BeforeEach
  void setUp() throws Exception {
    db =
        new ReadModelDatabase(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", 3);
    try (var c = db.connection()) {
      DesiredStateSchema.migrate(c);
      DesiredStateSchema.migrate(c); // re-runnable
    }
    JdbcProjection.createTablesIfNotExists(db::newSession, testKit.system())
        .toCompletableFuture()
        .get();
    store = new DesiredStateStore(db.dataSource(), blocking);
    journal = new DesiredFixtures.Journal();
    committed = new CommittedDeltas();
    published = testKit.createTestProbe(DesiredStateChanged.class);
    testKit
        .system()
        .eventStream()
        .tell(new EventStream.Subscribe<>(DesiredStateChanged.class, published.ref()));
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  // ---- running the projection ----

  /** Runs a fresh projection (new handler) over what the journal recorded since the last run. */
  private void project() {
    project(db::newSession);
  }

  private void project(Supplier<PlainJdbcSession> sessions) {
    List<EventEnvelope<Object>> envelopes = journal.take();
    var source =
        TestSourceProvider.<Offset, EventEnvelope<Object>>create(
                Source.from(envelopes), EventEnvelope::offset)
            .withAllowCompletion(true);
    var projection =
        DesiredStateProjection.projection(
                testKit.system(),
                sessions,
                source,
                settings,
                DesiredStateNotifier.eventStream(testKit.system(), committed))
            .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndFail(3, Duration.ofMillis(20)));
    ProjectionTestKit.create(testKit.system())
        .runWithTestSink(
            projection,
            // One element per committed batch, and batches vary: wait for the finite source's end.
            probe -> {
              probe.request(Long.MAX_VALUE);
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              while (true) {
                var event =
                    probe.expectEvent(
                        scala.concurrent.duration.FiniteDuration.create(
                            Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                if (event instanceof org.apache.pekko.stream.testkit.TestSubscriber.OnError e) {
                  throw new AssertionError("projection failed", e.cause());
                }
                if (!(event instanceof org.apache.pekko.stream.testkit.TestSubscriber.OnNext)) {
                  return; // completed
                }
              }
            });
  }

  /**
   * The acme example: workspace on c1/shop and any cluster's payments, a TRAFFIC group, two routes,
   * two clusters.
   */
  private void exampleConfig() {
    journal.apply(organization("acme"));
    journal.apply(tenant("acme"));
    journal.apply(workspace("acme", "c1/shop", "*/payments"));
    journal.childRegistered(ws("acme"), group("acme"));
    journal.apply(trafficGroup("acme", ""));
    journal.apply(serviceRoute("acme", "cart", "shop/cart", 90));
    journal.apply(serviceRoute("acme", "pay", "payments/pay", 50));
    journal.apply(clusterResource("acme", "c1", "one"));
    journal.apply(clusterResource("acme", "c2", "two"));
  }

  private void inventories() {
    journal.inventory(C1, "shop", "payments", "kube-system");
    journal.inventory(C2, "payments", "other");
  }

  // ---- reading ----

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long version(String cluster) {
    return await(store.current(cluster)).version();
  }

  private DesiredSnapshot snapshot(String cluster) {
    return await(store.snapshot(cluster));
  }

  private Optional<DesiredDelta> delta(String cluster, long from) {
    return await(store.delta(cluster, from));
  }

  private static List<String> kindsAndNamespaces(List<DesiredObject> objects) {
    return objects.stream()
        .map(o -> o.getKey().getKind() + " " + o.getKey().getNamespace())
        .sorted()
        .toList();
  }

  private static String keyText(ObjectKey k) {
    return k.getKind() + " " + k.getNamespace() + "/" + k.getName();
  }

  /** Applies a delta to the objects of a snapshot, as an edge would. */
  private static Map<String, String> applyDelta(DesiredSnapshot base, DesiredDelta delta) {
    var objects = new TreeMap<String, String>();
    base.getObjectsList().forEach(o -> objects.put(keyText(o.getKey()), o.getContentHash()));
    delta.getUpsertsList().forEach(o -> objects.put(keyText(o.getKey()), o.getContentHash()));
    delta.getDeletesList().forEach(k -> objects.remove(keyText(k)));
    return objects;
  }

  private static Map<String, String> hashes(DesiredSnapshot snapshot) {
    var objects = new TreeMap<String, String>();
    snapshot.getObjectsList().forEach(o -> objects.put(keyText(o.getKey()), o.getContentHash()));
    return objects;
  }

  private void expectNoMorePublished() {
    published.expectNoMessage(Duration.ofMillis(300));
  }

  // ---- tests ----

  @Test
  void projectsExampleConfigIntoEachClusterOnceItsInventoryArrives() {
    exampleConfig();
    project();
    // Clusters exist but reported no namespaces yet: empty desired state, version 0.
    assertThat(await(store.current(C1)))
        .isEqualTo(new DesiredVersion(C1, true, 0, DesiredStateHandler.EMPTY_SET_HASH));
    assertThat(snapshot(C2).getObjectsList()).isEmpty();
    expectNoMorePublished();

    inventories();
    project();
    assertThat(version(C1)).isEqualTo(1);
    assertThat(version(C2)).isEqualTo(1);
    assertThat(List.of(published.receiveMessage(), published.receiveMessage()))
        .containsExactlyInAnyOrder(new DesiredStateChanged(C1, 1), new DesiredStateChanged(C2, 1));

    DesiredSnapshot c1 = snapshot(C1);
    assertThat(c1.getVersion()).isEqualTo(1);
    assertThat(kindsAndNamespaces(c1.getObjectsList()))
        .containsExactly(
            "DestinationRule payments",
            "DestinationRule shop",
            "Sidecar payments",
            "Sidecar shop",
            "VirtualService payments",
            "VirtualService shop");
    assertThat(c1.getObjectsList())
        .filteredOn(
            o -> o.getKey().getNamespace().equals("shop") && !o.getKey().getKind().equals(SIDECAR))
        .extracting(DesiredObject::getSourceFqn, DesiredObject::getSourceVersion)
        .containsOnly(tuple(CART, 1L));
    DesiredSnapshot c2 = snapshot(C2);
    assertThat(kindsAndNamespaces(c2.getObjectsList()))
        .containsExactly("DestinationRule payments", "Sidecar payments", "VirtualService payments");

    // The set hash is the translator's, and it covers exactly the stored objects.
    var config =
        ConfigSnapshot.of(
            List.of(
                DesiredStateHandler.resourceOf(organization("acme"), 1),
                DesiredStateHandler.resourceOf(tenant("acme"), 1),
                DesiredStateHandler.resourceOf(workspace("acme", "c1/shop", "*/payments"), 1),
                DesiredStateHandler.resourceOf(trafficGroup("acme", ""), 1),
                DesiredStateHandler.resourceOf(serviceRoute("acme", "cart", "shop/cart", 90), 1),
                DesiredStateHandler.resourceOf(serviceRoute("acme", "pay", "payments/pay", 50), 1),
                DesiredStateHandler.resourceOf(clusterResource("acme", "c1", "one"), 1),
                DesiredStateHandler.resourceOf(clusterResource("acme", "c2", "two"), 1)));
    var expected =
        IstioTranslator.translate(
            config,
            ClusterView.of(
                DesiredStateHandler.resourceOf(clusterResource("acme", "c1", "one"), 1),
                List.of("shop", "payments", "kube-system")));
    assertThat(c1.getSetHash()).isEqualTo(expected.setHash());
    assertThat(c1.getObjectsList())
        .extracting(DesiredObject::getContentHash)
        .containsExactlyInAnyOrderElementsOf(
            expected.objects().stream().map(o -> o.contentHash()).toList());

    // Placements: the cart route only reached c1; pay and the workspace (Sidecar input) both.
    assertThat(await(store.placements(CART)))
        .containsExactly(new ResourcePlacement(C1, CART, 1, 1));
    assertThat(await(store.placements(ws("acme"))))
        .extracting(ResourcePlacement::cluster, ResourcePlacement::fqn)
        .containsExactly(
            tuple(C1, ws("acme")),
            tuple(C1, CART),
            tuple(C1, PAY),
            tuple(C2, ws("acme")),
            tuple(C2, PAY));
    expectNoMorePublished();
  }

  @Test
  void routeChangePlacedOnlyInOneClusterBumpsOnlyThatCluster() {
    exampleConfig();
    inventories();
    project();
    published.receiveMessage();
    published.receiveMessage();

    journal.apply(serviceRoute("acme", "cart", "shop/cart", 70));
    project();
    assertThat(version(C1)).isEqualTo(2);
    assertThat(version(C2)).isEqualTo(1);
    published.expectMessage(new DesiredStateChanged(C1, 2));
    expectNoMorePublished();

    DesiredDelta d = delta(C1, 1).orElseThrow();
    assertThat(d.getDeletesList()).isEmpty();
    assertThat(d.getUpsertsList())
        .extracting(
            o -> o.getKey().getKind(),
            o -> o.getKey().getNamespace(),
            DesiredObject::getSourceVersion)
        .containsExactlyInAnyOrder(tuple(DR, "shop", 2L), tuple(VS, "shop", 2L));
    assertThat(await(store.placements(CART)))
        .containsExactly(new ResourcePlacement(C1, CART, 2, 2));
  }

  @Test
  void clustersThatDifferOnlyInNameShareATranslationButANamedClusterGetsItsOwn() {
    // a2 sorts before c1 and is translated first; c1 has the same inventory, but "c1/shop" names
    // it, so it must not be given a2's objects (issue 21, P2: one translation per distinct input).
    String a2 = cluster("acme", "a2");
    String a3 = cluster("acme", "a3");
    exampleConfig();
    journal.apply(clusterResource("acme", "a2", "twin"));
    journal.apply(clusterResource("acme", "a3", "twin"));
    journal.inventory(a2, "shop", "payments");
    journal.inventory(a3, "shop", "payments");
    journal.inventory(C1, "shop", "payments");
    project();

    assertThat(kindsAndNamespaces(snapshot(C1).getObjectsList()))
        .contains(VS + " shop", VS + " payments");
    assertThat(kindsAndNamespaces(snapshot(a2).getObjectsList()))
        .contains(VS + " payments")
        .doesNotContain(VS + " shop");
    assertThat(hashes(snapshot(a3))).isEqualTo(hashes(snapshot(a2)));
    assertThat(await(store.current(a3)).setHash()).isEqualTo(await(store.current(a2)).setHash());

    var before = new TreeMap<String, DesiredSnapshot>();
    for (String cluster : List.of(a2, a3, C1)) {
      assertThat(version(cluster)).as(cluster).isEqualTo(1);
      before.put(cluster, snapshot(cluster));
    }
    journal.apply(serviceRoute("acme", "pay", "payments/pay", 20));
    project();
    for (String cluster : List.of(a2, a3, C1)) {
      assertThat(version(cluster)).as(cluster).isEqualTo(2);
      assertThat(committed.from(cluster, 1)).as(cluster).isEqualTo(delta(cluster, 1)).isPresent();
      assertThat(applyDelta(before.get(cluster), delta(cluster, 1).orElseThrow()))
          .isEqualTo(hashes(snapshot(cluster)));
    }
    assertThat(hashes(snapshot(a3))).isEqualTo(hashes(snapshot(a2)));
  }

  @Test
  void changesInAnotherOrganizationBumpNobodyElse() {
    exampleConfig();
    inventories();
    project();
    published.receiveMessage();
    published.receiveMessage();

    // Another organization with a cluster of the same name and a */payments workspace.
    String otherC1 = cluster("other", "c1");
    journal.apply(organization("other"));
    journal.apply(tenant("other"));
    journal.apply(workspace("other", "*/payments"));
    journal.apply(trafficGroup("other", ""));
    journal.apply(serviceRoute("other", "pay", "payments/pay", 10));
    journal.apply(clusterResource("other", "c1", "theirs"));
    journal.inventory(otherC1, "payments");
    project();
    published.expectMessage(new DesiredStateChanged(otherC1, 1));
    expectNoMorePublished();

    // Two changes in one batch: one translation, one new version.
    journal.apply(serviceRoute("other", "pay", "payments/pay", 20));
    journal.apply(workspace("other", "*/payments", "*/shop"));
    project();
    published.expectMessage(new DesiredStateChanged(otherC1, 2));
    expectNoMorePublished();
    assertThat(version(C1)).isEqualTo(1);
    assertThat(version(C2)).isEqualTo(1);
    assertThat(snapshot(C1).getObjectsList())
        .extracting(DesiredObject::getSourceFqn)
        .allMatch(f -> f.startsWith("organizations/acme/"));
    assertThat(snapshot(otherC1).getObjectsList())
        .extracting(DesiredObject::getSourceFqn)
        .allMatch(f -> f.startsWith("organizations/other/"));
  }

  @Test
  void translationThatYieldsTheSameObjectsCreatesNoVersion() {
    exampleConfig();
    inventories();
    project();
    published.receiveMessage();
    published.receiveMessage();
    String hash = snapshot(C1).getSetHash();

    journal.apply(trafficGroup("acme", "now with a description")); // every cluster re-translated
    journal.apply(clusterResource("acme", "c2", "renamed")); // c2 re-translated
    journal.inventory(C2, "other", "payments"); // same namespaces, other services
    journal.childRegistered(ws("acme"), ws("acme") + "/groups/g2"); // not a content event
    project();
    expectNoMorePublished();
    assertThat(version(C1)).isEqualTo(1);
    assertThat(version(C2)).isEqualTo(1);
    assertThat(snapshot(C1).getSetHash()).isEqualTo(hash);
    assertThat(delta(C1, 1))
        .hasValueSatisfying(
            d -> {
              assertThat(d.getVersion()).isEqualTo(1);
              assertThat(d.getUpsertsCount() + d.getDeletesCount()).isZero();
            });
  }

  @Test
  void deltaCollapsesToTheLastOperationPerKeyAndNeedsHistory() {
    settings = batched(3, 1); // one version per change
    exampleConfig();
    inventories();
    project(); // c1 v1
    journal.apply(serviceRoute("acme", "cart", "shop/cart", 80));
    project(); // c1 v2
    DesiredSnapshot atV2 = snapshot(C1);
    assertThat(atV2.getVersion()).isEqualTo(2);

    journal.apply(serviceRoute("acme", "cart", "shop/cart", 70)); // v3
    journal.apply(serviceRoute("acme", "tmp", "shop/tmp", 60)); // v4
    journal.apply(serviceRoute("acme", "cart", "shop/cart", 60)); // v5
    journal.delete(route("acme", "tmp")); // v6
    project();
    DesiredSnapshot now = snapshot(C1);
    assertThat(now.getVersion()).isEqualTo(6);

    // Three versions of history are kept: deltas from 3..6 only.
    assertThat(delta(C1, 2)).isEmpty();
    assertThat(delta(C1, 1)).isEmpty();
    DesiredDelta fromV3 = delta(C1, 3).orElseThrow();
    assertThat(fromV3.getFromVersion()).isEqualTo(3);
    assertThat(fromV3.getVersion()).isEqualTo(6);
    assertThat(fromV3.getSetHash()).isEqualTo(now.getSetHash());
    // cart's two objects once each, with their latest content; tmp created and deleted: deletes.
    assertThat(fromV3.getUpsertsList())
        .extracting(o -> o.getKey().getKind() + " " + o.getSourceFqn() + "@" + o.getSourceVersion())
        .containsExactlyInAnyOrder(DR + " " + CART + "@4", VS + " " + CART + "@4");
    assertThat(fromV3.getDeletesList())
        .extracting(ObjectKey::getKind, ObjectKey::getNamespace)
        .containsExactlyInAnyOrder(tuple(DR, "shop"), tuple(VS, "shop"));
    assertThat(fromV3.getDeletesList())
        .extracting(ObjectKey::getName)
        .allMatch(n -> n.contains("tmp"));

    // Taking an edge at v3 forward with the delta gives exactly the current state.
    DesiredDelta fromV5 = delta(C1, 5).orElseThrow();
    assertThat(fromV5.getUpsertsList()).isEmpty();
    assertThat(fromV5.getDeletesList()).hasSize(2);
    assertThat(delta(C1, 6))
        .hasValueSatisfying(d -> assertThat(d.getUpsertsCount() + d.getDeletesCount()).isZero());
    assertThat(delta(C1, 7)).isEmpty();
    assertThat(delta(cluster("acme", "nope"), 0)).isEmpty();
  }

  @Test
  void aDeltaTakesAnEdgeFromAnOldSnapshotToTheCurrentOne() {
    settings = batched(1000, 1); // one version per change
    exampleConfig();
    inventories();
    project();
    DesiredSnapshot v1 = snapshot(C1);
    journal.apply(serviceRoute("acme", "cart", "shop/cart", 10));
    journal.delete(PAY);
    journal.apply(serviceRoute("acme", "new", "payments/new", 100));
    journal.apply(workspace("acme", "c1/shop", "*/payments", "c1/kube-system"));
    project();
    DesiredSnapshot now = snapshot(C1);
    assertThat(now.getVersion()).isEqualTo(5);
    assertThat(applyDelta(v1, delta(C1, 1).orElseThrow())).isEqualTo(hashes(now));
    assertThat(kindsAndNamespaces(now.getObjectsList())).contains("Sidecar kube-system");
    assertThat(await(store.placements(PAY))).isEmpty();
  }

  @Test
  void handsOverAfterCommitExactlyTheDeltaTheReadModelReadsForAnEdgeOneVersionBehind() {
    settings = batched(1000, 1); // one version per change
    exampleConfig();
    inventories();
    project();
    drainPublished();
    assertThat(committed.from(C1, 0)).isEqualTo(delta(C1, 0)).isPresent();
    assertThat(committed.from(C1, 1)).isEmpty(); // only deltas that were committed

    journal.apply(serviceRoute("acme", "cart", "shop/cart", 10)); // upserts
    project();
    journal.delete(PAY); // deletes, in both clusters
    project();
    journal.apply(serviceRoute("acme", "new", "payments/new", 100)); // upserts of new keys
    project();
    assertThat(version(C1)).isEqualTo(4);
    assertThat(version(C2)).isEqualTo(3);
    for (String cluster : List.of(C1, C2)) {
      long v = version(cluster);
      DesiredDelta handed = committed.from(cluster, v - 1).orElseThrow();
      assertThat(handed).isEqualTo(delta(cluster, v - 1).orElseThrow());
      assertThat(handed.getUpsertsCount()).isPositive();
      // Older starting points are read from the tables (collapsed over several versions).
      assertThat(committed.from(cluster, v - 2)).isEmpty();
    }
    journal.delete(route("acme", "new"));
    project();
    DesiredDelta deletes = committed.from(C2, 3).orElseThrow();
    assertThat(deletes).isEqualTo(delta(C2, 3).orElseThrow());
    assertThat(deletes.getDeletesCount()).isEqualTo(2);
  }

  @Test
  void aNewHandlerOnTheSameTablesContinuesVersions() {
    exampleConfig();
    journal.inventory(C1, "shop", "payments");
    project();
    journal.apply(serviceRoute("acme", "cart", "shop/cart", 70));
    project(); // a new handler: its first diff must be against the stored objects
    journal.apply(serviceRoute("acme", "cart", "shop/cart", 60));
    project();
    assertThat(version(C1)).isEqualTo(3);
    assertThat(delta(C1, 2).orElseThrow().getUpsertsList())
        .extracting(DesiredObject::getSourceFqn)
        .containsOnly(CART)
        .hasSize(2);
    assertThat(delta(C1, 0).orElseThrow().getUpsertsCount())
        .isEqualTo(snapshot(C1).getObjectsCount());
  }

  @Test
  void publishesOnlyWhatCommittedAndRebuildsItsCacheAfterARollback() {
    exampleConfig();
    project();
    journal.inventory(C1, "shop", "payments");
    var failures = new AtomicInteger(1);
    project(
        FailingCommits.sessions(
            db, DesiredStateSchema.META, failures)); // first commit fails, the retry succeeds
    assertThat(failures.get()).isEqualTo(-1); // one failed commit, then one good one
    published.expectMessage(new DesiredStateChanged(C1, 1));
    expectNoMorePublished();
    assertThat(version(C1)).isEqualTo(1);
    assertThat(snapshot(C1).getObjectsCount()).isEqualTo(6);
    assertThat(delta(C1, 0).orElseThrow().getUpsertsCount()).isEqualTo(6);
    assertThat(committed.from(C1, 0)).isEqualTo(delta(C1, 0)); // the committed attempt's delta
  }

  @Test
  void deletingAClusterDropsItsStateAndARecreatedOneNeverReusesAVersion() {
    exampleConfig();
    inventories();
    project();
    journal.apply(serviceRoute("acme", "pay", "payments/pay", 40));
    project(); // c1 v2, c2 v2
    published.receiveSeveralMessages(4);
    assertThat(committed.from(C2, 1)).isPresent();

    journal.delete(C2);
    project();
    assertThat(committed.from(C2, 1)).isEmpty(); // a deleted cluster's delta is not handed out
    assertThat(await(store.current(C2)))
        .isEqualTo(new DesiredVersion(C2, false, 0, DesiredStateHandler.EMPTY_SET_HASH));
    assertThat(snapshot(C2).getObjectsList()).isEmpty();
    assertThat(delta(C2, 2)).isEmpty();
    assertThat(await(store.placements("organizations/acme")))
        .extracting(ResourcePlacement::cluster)
        .containsOnly(C1);
    assertThat(version(C1)).isEqualTo(2);
    expectNoMorePublished();

    // Re-created: its last inventory is still known, so it gets its objects at once, above
    // every version the old cluster had (3 was "everything deleted").
    journal.apply(clusterResource("acme", "c2", "two again"));
    project();
    published.expectMessage(new DesiredStateChanged(C2, 4));
    expectNoMorePublished();
    assertThat(version(C2)).isEqualTo(4);
    assertThat(delta(C2, 2)).isEmpty();
    assertThat(delta(C2, 3).orElseThrow().getUpsertsCount()).isEqualTo(3);
    assertThat(committed.from(C2, 3)).isEqualTo(delta(C2, 3));
    assertThat(kindsAndNamespaces(snapshot(C2).getObjectsList()))
        .containsExactly("DestinationRule payments", "Sidecar payments", "VirtualService payments");
  }

  @Test
  void emptySetHashIsTheTranslatorsHashOfNothing() {
    var none =
        IstioTranslator.translate(
            ConfigSnapshot.empty(),
            ClusterView.of(
                DesiredStateHandler.resourceOf(clusterResource("acme", "c1", "x"), 1),
                new TreeSet<>()));
    assertThat(none.objects()).isEmpty();
    assertThat(DesiredStateHandler.EMPTY_SET_HASH).isEqualTo(none.setHash());
  }

  // ---- service catalog, cross-cluster routes, failover (docs/multicluster.md) ----

  private static final String C3 = cluster("acme", "c3");
  private static final String SE = "ServiceEntry";

  private static dev.trestle.protocol.v1.Inventory meshInventory(
      String gateway, String zone, List<String> namespaces, Object... services) {
    var b =
        dev.trestle.protocol.v1.Inventory.newBuilder()
            .addAllNamespaces(namespaces)
            .setNetwork("n1")
            .setLocality(
                dev.trestle.protocol.v1.Locality.newBuilder().setRegion("r1").setZone(zone))
            .addGateways(
                dev.trestle.protocol.v1.InventoryGateway.newBuilder()
                    .setNamespace("istio-system")
                    .setName("eastwest")
                    .setRole("EAST_WEST")
                    .addAddresses(gateway)
                    .addPorts(
                        dev.trestle.protocol.v1.InventoryPort.newBuilder()
                            .setName("status")
                            .setPort(15021))
                    .addPorts(
                        dev.trestle.protocol.v1.InventoryPort.newBuilder()
                            .setName("tls")
                            .setPort(15443)));
    for (int i = 0; i < services.length; i += 2) {
      String[] key = ((String) services[i]).split("/");
      int healthy = (Integer) services[i + 1];
      b.addServices(
          dev.trestle.protocol.v1.InventoryService.newBuilder()
              .setNamespace(key[0])
              .setName(key[1])
              .setHostname(key[1] + "." + key[0] + ".svc.cluster.local")
              .addPorts(
                  dev.trestle.protocol.v1.InventoryPort.newBuilder()
                      .setName("http")
                      .setPort(8080)
                      .setProtocol("HTTP"))
              .setEndpoints(Math.max(healthy, 3))
              .setHealthyEndpoints(healthy));
    }
    return b.build();
  }

  private dev.trestle.protocol.v1.Inventory c1Inventory(int cartHealthy, int payHealthy) {
    return meshInventory(
        "10.0.0.1",
        "z1",
        List.of("shop", "payments", "kube-system"),
        "shop/cart",
        cartHealthy,
        "payments/pay",
        payHealthy);
  }

  private dev.trestle.protocol.v1.Inventory c2Inventory(int payHealthy) {
    return meshInventory(
        "10.0.0.2", "z2", List.of("payments", "other"), "payments/pay", payHealthy);
  }

  private dev.trestle.protocol.v1.Inventory c3Inventory(int cartHealthy) {
    return meshInventory("10.0.0.3", "z3", List.of("shop"), "shop/cart", cartHealthy);
  }

  /**
   * The example config, a third cluster, and the three inventories; projected, notifications
   * drained.
   */
  private void meshOfThree() {
    exampleConfig();
    journal.apply(clusterResource("acme", "c3", "three"));
    journal.inventory(C1, c1Inventory(2, 1));
    journal.inventory(C2, c2Inventory(3));
    journal.inventory(C3, c3Inventory(1));
    project();
    drainPublished();
  }

  private void drainPublished() {
    while (true) {
      try {
        published.receiveMessage(Duration.ofMillis(200));
      } catch (AssertionError e) {
        return;
      }
    }
  }

  /**
   * Per ServiceEntry in the cluster's snapshot: its host and the clusters of its whole-service
   * endpoints (the WorkloadEntries of its namespace it selects).
   */
  private Map<String, List<String>> serviceEntries(String cluster) {
    var mapper = new ObjectMapper();
    var objects = new java.util.ArrayList<JsonNode>();
    for (DesiredObject o : snapshot(cluster).getObjectsList()) {
      try {
        objects.add(mapper.readTree(o.getJson()));
      } catch (JsonProcessingException e) {
        throw new AssertionError(e);
      }
    }
    var out = new TreeMap<String, List<String>>();
    for (JsonNode se : objects) {
      if (!se.path("kind").asText().equals(SE)) {
        continue;
      }
      String namespace = se.at("/metadata/namespace").asText();
      String selector = se.at("/spec/workloadSelector/labels/trestle.dev~1remote-service").asText();
      assertThat(selector).isNotEmpty();
      var clusters = new java.util.ArrayList<String>();
      for (JsonNode we : objects) {
        var labels = we.at("/spec/labels");
        // The whole-service endpoints (labelled with their cluster, the mTLS mode and the
        // entry's selector only); a ServiceRoute's subsets list each cluster's gateway once more
        // with the subset's labels.
        if (we.path("kind").asText().equals("WorkloadEntry")
            && we.at("/metadata/namespace").asText().equals(namespace)
            && labels.path("trestle.dev/remote-service").asText().equals(selector)
            && labels.size() == 3) {
          clusters.add(labels.path("topology.istio.io/cluster").asText());
        }
      }
      out.put(se.path("spec").path("hosts").get(0).asText(), clusters);
    }
    return out;
  }

  private List<DesiredStateChanged> publishedNow() {
    var out = new java.util.ArrayList<DesiredStateChanged>();
    while (true) {
      try {
        out.add(published.receiveMessage(Duration.ofMillis(300)));
      } catch (AssertionError e) {
        out.sort(java.util.Comparator.comparing(DesiredStateChanged::cluster));
        return out;
      }
    }
  }

  @Test
  void eachClusterGetsServiceEntriesForTheRemoteServicesOfItsNamespaces() {
    meshOfThree();
    assertThat(serviceEntries(C1))
        .isEqualTo(
            Map.of(
                "cart.shop.svc.cluster.local",
                List.of("c3"),
                "pay.payments.svc.cluster.local",
                List.of("c2")));
    assertThat(serviceEntries(C2))
        .isEqualTo(Map.of("pay.payments.svc.cluster.local", List.of("c1")));
    assertThat(serviceEntries(C3)).isEqualTo(Map.of("cart.shop.svc.cluster.local", List.of("c1")));

    DesiredObject se =
        snapshot(C2).getObjectsList().stream()
            .filter(o -> o.getKey().getKind().equals(SE))
            .findFirst()
            .orElseThrow();
    assertThat(se.getKey().getNamespace()).isEqualTo("payments");
    assertThat(se.getKey().getName()).startsWith("trestle-remote-pay-");
    assertThat(se.getJson())
        .contains("\"location\":\"MESH_INTERNAL\"", "\"resolution\":\"STATIC\"");
    DesiredObject endpoint =
        snapshot(C2).getObjectsList().stream()
            .filter(o -> o.getKey().getKind().equals("WorkloadEntry"))
            .findFirst()
            .orElseThrow();
    assertThat(endpoint.getKey().getNamespace()).isEqualTo("payments");
    assertThat(endpoint.getJson())
        .contains(
            "\"address\":\"10.0.0.1\"",
            "\"ports\":{\"http\":15443}",
            "\"locality\":\"r1/z1\"",
            "\"network\":\"n1\"",
            "\"trestle.dev/remote-service\":\"" + se.getKey().getName() + "\"");
    // one DestinationRule per host: the route's, with locality failover and outlier detection
    // merged in
    var rules =
        snapshot(C2).getObjectsList().stream()
            .filter(
                o ->
                    o.getKey().getKind().equals(DR)
                        && o.getJson().contains("\"host\":\"pay.payments.svc.cluster.local\""))
            .toList();
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).getJson())
        .contains(
            "\"localityLbSetting\":{\"enabled\":true}", "\"outlierDetection\"", "\"subsets\"");
  }

  @Test
  void deletingAClusterWithdrawsItsServicesFromTheClustersUsingThem() {
    meshOfThree();
    assertThat(serviceEntries(C1)).containsEntry("pay.payments.svc.cluster.local", List.of("c2"));
    long c3Version = version(C3);

    journal.delete(C2);
    project();

    assertThat(serviceEntries(C1)).isEqualTo(Map.of("cart.shop.svc.cluster.local", List.of("c3")));
    assertThat(version(C3)).isEqualTo(c3Version);
  }

  @Test
  void theCatalogListsEveryServiceWithItsClustersAndFiltersByNamespace() {
    meshOfThree();
    var all = await(store.services(List.of(C1, C2, C3), ""));
    assertThat(all)
        .extracting(s -> s.getNamespace() + "/" + s.getName())
        .containsExactly("payments/pay", "shop/cart");
    var pay = all.get(0);
    assertThat(pay.getHostname()).isEqualTo("pay.payments.svc.cluster.local");
    assertThat(pay.getClustersList())
        .extracting(
            i -> i.getClusterName(),
            i -> i.getHealthyEndpoints(),
            i -> i.getGatewayAddress(),
            i -> i.getGatewayPort(),
            i -> i.getLocality().getZone(),
            i -> i.getRoutable())
        .containsExactly(
            tuple("c1", 1, "10.0.0.1", 15443, "z1", true),
            tuple("c2", 3, "10.0.0.2", 15443, "z2", true));
    assertThat(await(store.services(List.of(C1, C2, C3), "shop")))
        .extracting(s -> s.getName())
        .containsExactly("cart");
    // only the clusters the caller may read
    assertThat(await(store.services(List.of(C2), "")))
        .extracting(s -> s.getName())
        .containsExactly("pay");

    journal.health(
        C2,
        dev.trestle.clusters.ClusterHealthState.HEALTHY,
        dev.trestle.clusters.ClusterHealthState.UNHEALTHY);
    project();
    var payNow = await(store.services(List.of(C2), "payments")).get(0).getClusters(0);
    assertThat(payNow.getHealth())
        .isEqualTo(dev.trestle.protocol.v1.ClusterHealth.CLUSTER_UNHEALTHY);
    assertThat(payNow.getRoutable()).isFalse();
  }

  @Test
  void oneServiceChangeRepublishesOnlyThatServiceToOnlyTheClustersUsingIt() {
    meshOfThree();
    long c1 = version(C1);
    long c2 = version(C2);
    long c3 = version(C3);

    // a count that stays above zero is not published anywhere
    journal.inventory(C2, c2Inventory(2));
    project();
    assertThat(publishedNow()).isEmpty();
    assertThat(List.of(version(C1), version(C2), version(C3))).containsExactly(c1, c2, c3);

    // pay in c2 has no healthy endpoints: only c1 (which has payments) changes, only pay's objects
    journal.inventory(C2, c2Inventory(0));
    project();
    assertThat(publishedNow()).containsExactly(new DesiredStateChanged(C1, c1 + 1));
    assertThat(List.of(version(C2), version(C3))).containsExactly(c2, c3);
    DesiredDelta d = delta(C1, c1).orElseThrow();
    var touched = new java.util.ArrayList<String>();
    d.getUpsertsList().forEach(o -> touched.add(o.getKey().getKind() + " " + o.getKey().getName()));
    d.getDeletesList().forEach(k -> touched.add(k.getKind() + " " + k.getName()));
    assertThat(touched).isNotEmpty().allMatch(t -> t.contains("-pay-"));
    // the entry and the WorkloadEntries it selected (c2's gateway, once more per subset)
    assertThat(d.getDeletesList())
        .extracting(k -> k.getKind())
        .containsOnly(SE, "WorkloadEntry")
        .containsOnlyOnce(SE);
    assertThat(serviceEntries(C1)).isEqualTo(Map.of("cart.shop.svc.cluster.local", List.of("c3")));

    // healthy again: restored, same state as before
    String before = await(store.current(C3)).setHash();
    journal.inventory(C2, c2Inventory(3));
    project();
    assertThat(publishedNow()).containsExactly(new DesiredStateChanged(C1, c1 + 2));
    assertThat(serviceEntries(C1)).containsEntry("pay.payments.svc.cluster.local", List.of("c2"));
    assertThat(await(store.current(C3)).setHash()).isEqualTo(before);
  }

  @Test
  void anUnhealthyClusterIsDroppedEverywhereAndRestoredWhenHealthy() {
    meshOfThree();
    String c2Hash = await(store.current(C2)).setHash();
    String c3Hash = await(store.current(C3)).setHash();
    long c1 = version(C1);

    journal.health(
        C1,
        dev.trestle.clusters.ClusterHealthState.HEALTHY,
        dev.trestle.clusters.ClusterHealthState.UNHEALTHY);
    project();
    assertThat(publishedNow()).extracting(DesiredStateChanged::cluster).containsExactly(C2, C3);
    assertThat(serviceEntries(C2)).isEmpty();
    assertThat(serviceEntries(C3)).isEmpty();
    assertThat(version(C1)).as("c1's own routes do not depend on its health").isEqualTo(c1);

    journal.health(
        C1,
        dev.trestle.clusters.ClusterHealthState.UNHEALTHY,
        dev.trestle.clusters.ClusterHealthState.HEALTHY);
    project();
    assertThat(publishedNow()).extracting(DesiredStateChanged::cluster).containsExactly(C2, C3);
    assertThat(await(store.current(C2)).setHash()).isEqualTo(c2Hash);
    assertThat(await(store.current(C3)).setHash()).isEqualTo(c3Hash);
  }

  @Test
  void zeroHealthyEndpointsDropTheEndpointOnlyForThatService() {
    meshOfThree();
    long c1 = version(C1);
    journal.inventory(C3, c3Inventory(0));
    project();
    assertThat(publishedNow()).containsExactly(new DesiredStateChanged(C1, c1 + 1));
    assertThat(serviceEntries(C1))
        .isEqualTo(Map.of("pay.payments.svc.cluster.local", List.of("c2")));
  }

  @Test
  void reachabilityNoneKeepsTheCatalogButPublishesNoRoutes() {
    settings =
        new DesiredStateSettings(
            1000,
            dev.trestle.translator.MeshCatalog.Reachability.NONE,
            500,
            Duration.ofSeconds(30));
    meshOfThree();
    assertThat(serviceEntries(C1)).isEmpty();
    assertThat(await(store.services(List.of(C1, C2, C3), ""))).hasSize(2);
  }

  @Test
  void catalogAndRoutesSurviveARestartOfTheProjection() {
    meshOfThree();
    var before = serviceEntries(C1);
    journal.inventory(C3, c3Inventory(0));
    project(); // a new handler: state rebuilt from the tables
    journal.inventory(C3, c3Inventory(1));
    project();
    assertThat(serviceEntries(C1)).isEqualTo(before);
  }

  private List<String> namespaceRevisions(String cluster) {
    return snapshot(cluster).getObjectsList().stream()
        .filter(o -> o.getKey().getKind().equals("NamespaceRevision"))
        .map(o -> o.getKey().getNamespace() + " " + o.getJson().replaceAll(".*\"spec\":", ""))
        .toList();
  }

  @Test
  void aRolloutStagesLabelsBecomeNamespaceRevisionObjectsOfItsClustersAndARevertReplacesThem() {
    exampleConfig();
    inventories();
    project();
    String rollout = "organizations/acme/revisionrollouts/r1";
    journal.apply(DesiredFixtures.revisionRollout("acme", "r1"));
    project();
    long c1 = version(C1);
    assertThat(namespaceRevisions(C1)).isEmpty(); // the resource alone labels nothing
    journal.rollout(
        new RolloutEvent.StageStarted(
            rollout,
            4,
            0,
            List.of(
                new NamespaceLabel("c1", "shop", "canary", ""),
                new NamespaceLabel("c1", "gone", "canary", ""),
                new NamespaceLabel("c2", "payments", "canary", "2026-03-01T10:00:00Z")),
            DesiredFixtures.T0));
    project();

    assertThat(version(C1)).isEqualTo(c1 + 1);
    // only namespaces the cluster has: a label must never create a namespace
    assertThat(namespaceRevisions(C1))
        .containsExactly(
            "shop {\"restartedAt\":\"\",\"revision\":\"canary\",\"rollout\":\"" + rollout + "\"}}");
    assertThat(namespaceRevisions(C2))
        .singleElement()
        .asString()
        .startsWith("payments {\"restartedAt\":\"2026-03-01T10:00:00Z\",\"revision\":\"canary\"");

    journal.rollout(
        new RolloutEvent.StageFailed(
            rollout,
            4,
            0,
            "failed verification",
            List.of(new NamespaceLabel("c1", "shop", "stable", "")),
            DesiredFixtures.T0));
    project();
    assertThat(namespaceRevisions(C1))
        .singleElement()
        .asString()
        .contains("\"revision\":\"stable\"");
    assertThat(namespaceRevisions(C2)).isEmpty();

    // a new handler (a restart) reads the labels back: another change to c1 keeps them
    journal.inventory(C1, "shop", "payments", "kube-system", "new");
    project();
    assertThat(namespaceRevisions(C1))
        .singleElement()
        .asString()
        .contains("\"revision\":\"stable\"");

    // deleting the rollout drops its objects (the edge leaves the labels as they are)
    journal.delete(rollout);
    project();
    assertThat(namespaceRevisions(C1)).isEmpty();
  }
}
