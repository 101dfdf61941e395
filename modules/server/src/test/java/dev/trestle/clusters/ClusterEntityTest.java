package dev.trestle.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.trestle.clusters.ClusterEntity.Accepted;
import dev.trestle.clusters.ClusterEntity.Command;
import dev.trestle.clusters.ClusterEntity.ConnectReply;
import dev.trestle.clusters.ClusterEntity.SessionControl;
import dev.trestle.clusters.ClusterEntity.TokenIssued;
import dev.trestle.clusters.ClusterEntity.TokensRevoked;
import dev.trestle.core.TokenKind;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioRevision;
import dev.trestle.protocol.v1.IstioRevisionTag;
import dev.trestle.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClusterEntityTest {
  private static final java.util.concurrent.atomic.AtomicInteger COUNTER =
      new java.util.concurrent.atomic.AtomicInteger();
  // One cluster per test: entities of earlier tests keep running (and their deadlines firing).
  private String cluster;
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));
  private static final ClusterSettings SETTINGS =
      new ClusterSettings(Duration.ofMillis(100), 3, 10, 2);

  private EventSourcedBehaviorTestKit<Command, ClusterEvent, ClusterState> kit;

  @BeforeEach
  void setUp() {
    cluster = "organizations/acme/clusters/c" + COUNTER.incrementAndGet();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ClusterEntity.create(cluster, SETTINGS, Clock.systemUTC()),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.clear();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private TokenKind.Minted issue(boolean rotate) {
    var result =
        kit.<TokenIssued>runCommand(
            r -> new ClusterEntity.IssueToken("users/admin", "req-1", rotate, r));
    return result.reply().token();
  }

  private ConnectReply connect(
      String session, TokenKind.Minted token, TestProbe<SessionControl> control) {
    var presented = JoinTokens.parse(token.text()).orElseThrow();
    return kit.<ConnectReply>runCommand(
            r ->
                new ClusterEntity.Connect(
                    session,
                    presented.tokenId(),
                    presented.secretSha256(),
                    "0.1.0",
                    0,
                    inventory("shop"),
                    control.ref(),
                    java.time.Instant.now().plusSeconds(10),
                    r))
        .reply();
  }

  private ConnectReply connectAs(
      String session,
      String agentInstance,
      boolean takeover,
      TokenKind.Minted token,
      TestProbe<SessionControl> control) {
    return connectWith(
        kit,
        session,
        token.text(),
        agentInstance,
        takeover,
        Instant.now().plusSeconds(10),
        control);
  }

  private static ConnectReply connectWith(
      EventSourcedBehaviorTestKit<Command, ClusterEvent, ClusterState> on,
      String session,
      String tokenText,
      TestProbe<SessionControl> control) {
    return connectWith(on, session, tokenText, "agent-" + session, true, null, control);
  }

  private static ConnectReply connectWith(
      EventSourcedBehaviorTestKit<Command, ClusterEvent, ClusterState> on,
      String session,
      String tokenText,
      String agentInstance,
      boolean takeover,
      Instant expiresAt,
      TestProbe<SessionControl> control) {
    var presented = JoinTokens.parse(tokenText).orElseThrow();
    return on.<ConnectReply>runCommand(
            r ->
                new ClusterEntity.Connect(
                    session,
                    presented.tokenId(),
                    presented.secretSha256(),
                    "0.1.0",
                    0,
                    inventory("shop"),
                    control.ref(),
                    expiresAt,
                    agentInstance,
                    takeover,
                    r))
        .reply();
  }

  @Test
  void aJoinTokenWithTtlIsRefusedWhenFirstPresentedAfterItExpired() {
    ManualClock clock = new ManualClock(Instant.parse("2030-01-01T12:00:00Z"));
    var timed =
        EventSourcedBehaviorTestKit.<Command, ClusterEvent, ClusterState>create(
            testKit.system(),
            ClusterEntity.create(cluster + "-ttl", SETTINGS, clock),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    TokenIssued issued =
        timed
            .<TokenIssued>runCommand(
                r ->
                    new ClusterEntity.IssueToken(
                        "users/admin", "req", false, Duration.ofHours(1), false, r))
            .reply();
    assertThat(issued.expiresAt()).isEqualTo(Instant.parse("2030-01-01T13:00:00Z"));
    assertThat(timed.getState().tokens().get(issued.token().tokenId()).expiresAt())
        .isEqualTo(issued.expiresAt());

    clock.set(Instant.parse("2030-01-01T13:00:00Z"));
    ConnectReply refused =
        connectWith(timed, "s1", issued.token().text(), testKit.createTestProbe());
    assertThat(refused.refusal()).isEqualTo(ClusterEntity.Refusal.BAD_TOKEN);
    assertThat(refused.detail())
        .contains("join token " + issued.token().tokenId() + " expired at 2030-01-01T13:00:00Z");
    assertThat(timed.getState().connected()).isFalse();

    clock.set(Instant.parse("2030-01-01T12:30:00Z"));
    assertThat(
            connectWith(timed, "s2", issued.token().text(), testKit.createTestProbe()).admitted())
        .isTrue();
  }

  @Test
  void aSingleUseTokenAdmitsOnceAndIsReplacedByTheAgentsOwnCredential() {
    TokenIssued bootstrap =
        kit.<TokenIssued>runCommand(
                r -> new ClusterEntity.IssueToken("users/admin", "req", false, null, true, r))
            .reply();
    assertThat(bootstrap.singleUse()).isTrue();
    TestProbe<SessionControl> first = testKit.createTestProbe();

    ConnectReply admitted = connectWith(kit, "s1", bootstrap.token().text(), first);

    assertThat(admitted.admitted()).isTrue();
    String own = admitted.sessionToken();
    assertThat(own).isNotEmpty().isNotEqualTo(bootstrap.token().text());
    String ownId = JoinTokens.parse(own).orElseThrow().tokenId();
    ClusterState state = kit.getState();
    assertThat(state.tokens()).containsOnlyKeys(ownId);
    assertThat(state.tokens().get(ownId).singleUse()).isFalse();
    assertThat(state.tokens().get(ownId).expiresAt()).isNull();
    assertThat(state.sessionTokenId()).isEqualTo(ownId);
    assertThat(admitted.toString()).doesNotContain(own);

    // The bootstrap token is spent: a copy of it is refused.
    ConnectReply replay =
        connectWith(kit, "s2", bootstrap.token().text(), testKit.createTestProbe());
    assertThat(replay.refusal()).isEqualTo(ClusterEntity.Refusal.BAD_TOKEN);
    assertThat(replay.detail())
        .contains("join token " + bootstrap.token().tokenId() + " was single-use and was spent")
        .contains("session s1")
        .contains("--single-use");
    assertThat(kit.getState().spentTokens()).containsOnlyKeys(bootstrap.token().tokenId());
    // Only its holder learns that: the same id with another secret is just unknown.
    String forged =
        bootstrap.token().text().substring(0, bootstrap.token().text().lastIndexOf('.') + 1)
            + "A".repeat(43);
    ConnectReply guessed = connectWith(kit, "s2b", forged, testKit.createTestProbe());
    assertThat(guessed.detail()).isEqualTo("unknown or revoked join token");

    // The agent's own credential admits it again, and issues nothing new.
    TestProbe<SessionControl> third = testKit.createTestProbe();
    ConnectReply again = connectWith(kit, "s3", own, third);
    assertThat(again.admitted()).isTrue();
    assertThat(again.sessionToken()).isEmpty();
    assertThat(first.receiveMessage().reason()).isEqualTo(ClusterEntity.CloseReason.REPLACED);

    // Revoking the agent's credential disconnects it.
    kit.<ClusterEntity.TokensRevoked>runCommand(
        r -> new ClusterEntity.RevokeTokens(ownId, "users/admin", "req", r));
    assertThat(third.receiveMessage().reason()).isEqualTo(ClusterEntity.CloseReason.REVOKED);
  }

  @Test
  void aSecondAgentIsRefusedWhileTheFirstHoldsALiveSessionAndTheConflictIsRecorded() {
    TokenKind.Minted token = issue(false);
    TestProbe<SessionControl> first = testKit.createTestProbe();
    TestProbe<SessionControl> second = testKit.createTestProbe();
    assertThat(connectAs("s1", "agent-a", false, token, first).admitted()).isTrue();

    ConnectReply refused = connectAs("s2", "agent-b", false, token, second);

    assertThat(refused.admitted()).isFalse();
    assertThat(refused.refusal()).isEqualTo(ClusterEntity.Refusal.SESSION_HELD);
    assertThat(refused.detail()).contains("agent-a").contains("agent-b").contains("--takeover");
    first.expectNoMessage(Duration.ofMillis(200));
    ClusterState state = kit.getState();
    assertThat(state.sessionId()).isEqualTo("s1");
    assertThat(state.sessionConflict()).contains("agent-b");
    assertThat(state.sessionConflictAt()).isNotNull();
  }

  @Test
  void anAgentResumesItsOwnSessionAndATakeoverReplacesAnotherAgentsSession() {
    TokenKind.Minted token = issue(false);
    TestProbe<SessionControl> first = testKit.createTestProbe();
    TestProbe<SessionControl> again = testKit.createTestProbe();
    TestProbe<SessionControl> taker = testKit.createTestProbe();
    connectAs("s1", "agent-a", false, token, first);

    assertThat(connectAs("s2", "agent-a", false, token, again).admitted()).isTrue();
    assertThat(first.receiveMessage().reason()).isEqualTo(ClusterEntity.CloseReason.REPLACED);

    assertThat(connectAs("s3", "agent-b", true, token, taker).admitted()).isTrue();
    assertThat(again.receiveMessage().reason()).isEqualTo(ClusterEntity.CloseReason.REPLACED);
    assertThat(kit.getState().sessionId()).isEqualTo("s3");
    assertThat(kit.getState().sessionConflict()).isEmpty();
  }

  @Test
  void afterItsSessionDisconnectedAnotherAgentIsAdmittedWithoutTakeover() {
    TokenKind.Minted token = issue(false);
    connectAs("s1", "agent-a", false, token, testKit.createTestProbe());
    kit.<Accepted>runCommand(r -> new ClusterEntity.Disconnect("s1", "pod deleted", r));

    assertThat(connectAs("s2", "agent-b", false, token, testKit.createTestProbe()).admitted())
        .isTrue();
  }

  /** An entity on a hand-moved clock, with a token issued; {@link #connect} admits sessions. */
  private static final class ClockedEntity {
    final ManualClock clock = new ManualClock(Instant.now());
    final EventSourcedBehaviorTestKit<Command, ClusterEvent, ClusterState> kit;
    private final TokenKind.Presented token;

    ClockedEntity(String cluster) {
      this(cluster, SETTINGS);
    }

    ClockedEntity(String cluster, ClusterSettings settings) {
      kit =
          EventSourcedBehaviorTestKit.create(
              testKit.system(),
              ClusterEntity.create(cluster, settings, clock),
              EventSourcedBehaviorTestKit.enabledSerializationSettings());
      TokenKind.Minted minted =
          kit.<TokenIssued>runCommand(
                  r -> new ClusterEntity.IssueToken("users/admin", "r", false, r))
              .reply()
              .token();
      token = JoinTokens.parse(minted.text()).orElseThrow();
    }

    ConnectReply connect(String session) {
      return kit.<ConnectReply>runCommand(
              r ->
                  new ClusterEntity.Connect(
                      session,
                      token.tokenId(),
                      token.secretSha256(),
                      "0.1.0",
                      0,
                      inventory("shop"),
                      testKit.<SessionControl>createTestProbe().ref(),
                      clock.instant().plusSeconds(10),
                      r))
          .reply();
    }

    void awaitHealth(ClusterHealthState health) {
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(5),
              () -> {
                assertThat(kit.getState().health()).isEqualTo(health);
                return null;
              });
    }

    /** Health stays {@code health} through three deadlines (the timer fires; the clock stands). */
    void keepsHealth(ClusterHealthState health) {
      await()
          .during(SETTINGS.unhealthyAfter().multipliedBy(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> kit.getState().health() == health);
    }
  }

  @Test
  void afterARestartAHealthyClusterGetsOneFullDeadlineBeforeItsSilenceCounts() {
    var entity = new ClockedEntity(cluster + "-restart");
    var restarted = entity.kit;
    var clock = entity.clock;
    entity.connect("s1");
    assertThat(restarted.getState().health()).isEqualTo(ClusterHealthState.HEALTHY);

    // central is down for far longer than the deadline (300 ms), then starts again
    clock.advance(Duration.ofSeconds(150));
    restarted.restart();

    // the deadline fires again and again (the clock stands still): never UNHEALTHY in the grace
    entity.keepsHealth(ClusterHealthState.HEALTHY);

    // one full deadline after the restart without a heartbeat: now the silence counts
    clock.advance(SETTINGS.unhealthyAfter().plusMillis(1));
    entity.awaitHealth(ClusterHealthState.UNHEALTHY);
  }

  @Test
  void aRestartGraceLongerThanTheDeadlineCoversAnEdgeInItsReconnectBackoff() {
    var longGrace =
        new ClusterSettings(
            SETTINGS.heartbeatInterval(),
            SETTINGS.unhealthyAfterMissed(),
            SETTINGS.snapshotEvery(),
            SETTINGS.keepSnapshots(),
            SETTINGS.maxPendingHeartbeats(),
            SETTINGS.heartbeatsPerWrite(),
            SETTINGS.unhealthyAfter().multipliedBy(4));
    var entity = new ClockedEntity(cluster + "-long-grace", longGrace);
    var clock = entity.clock;
    entity.connect("s1");
    clock.advance(Duration.ofSeconds(150));
    entity.kit.restart();

    // two deadlines after the restart, the edge is still backing off: not counted yet
    clock.advance(SETTINGS.unhealthyAfter().multipliedBy(2));
    entity.keepsHealth(ClusterHealthState.HEALTHY);

    // past the grace without a heartbeat: now the silence counts
    clock.advance(SETTINGS.unhealthyAfter().multipliedBy(2).plusMillis(1));
    entity.awaitHealth(ClusterHealthState.UNHEALTHY);
  }

  /**
   * The edge went silent past its deadline while central ran, then central restarted (issue 15, the
   * last paragraph): the cluster comes back UNHEALTHY (the grace is for HEALTHY clusters only: its
   * silence was its own, seen before central went down) and turns HEALTHY only when its edge
   * connects again.
   */
  @Test
  void aClusterUnhealthyBeforeCentralRestartedStaysUnhealthyUntilItsEdgeReturns() {
    var entity = new ClockedEntity(cluster + "-silent");
    var restarted = entity.kit;
    var clock = entity.clock;
    entity.connect("s1");
    restarted.<Accepted>runCommand(r -> new ClusterEntity.Disconnect("s1", "edge went away", r));

    // the edge stays away: one deadline later its silence counts, while central still runs
    clock.advance(SETTINGS.unhealthyAfter().plusMillis(1));
    entity.awaitHealth(ClusterHealthState.UNHEALTHY);

    // central is down for 150 s and starts again; the edge is still away
    clock.advance(Duration.ofSeconds(150));
    restarted.restart();
    entity.keepsHealth(ClusterHealthState.UNHEALTHY);

    // the edge returns: HEALTHY with its connection
    entity.connect("s2");
    assertThat(restarted.getState().health()).isEqualTo(ClusterHealthState.HEALTHY);
  }

  private static InventorySnapshot inventory(String... namespaces) {
    return InventorySnapshot.of(
        Inventory.newBuilder().addAllNamespaces(List.of(namespaces)).build());
  }

  @Test
  void aMintedTokenIsStoredOnlyAsAHashAndNamesItsCluster() {
    TokenKind.Minted token = issue(false);
    var presented = JoinTokens.parse(token.text()).orElseThrow();
    assertThat(presented.subject()).isEqualTo(cluster);
    ClusterState state = kit.getState();
    assertThat(state.tokens()).containsOnlyKeys(token.tokenId());
    assertThat(state.tokens().get(token.tokenId()).secretSha256())
        .isEqualTo(presented.secretSha256())
        .doesNotContain(token.text().substring(token.text().lastIndexOf('.') + 1));
    assertThat(token.toString()).doesNotContain(token.text());
  }

  @Test
  void anEdgeWithAValidTokenIsAdmittedAndItsFirstContactMakesTheClusterHealthy() {
    TokenKind.Minted token = issue(false);
    TestProbe<SessionControl> control = testKit.createTestProbe();
    ConnectReply reply = connect("s1", token, control);
    assertThat(reply.admitted()).isTrue();
    assertThat(reply.state().health()).isEqualTo(ClusterHealthState.HEALTHY);
    assertThat(reply.state().inventory().namespaces()).containsExactly("shop");
    assertThat(reply.state().connected()).isTrue();
  }

  @Test
  void aWrongSecretOrARevokedTokenIsRefusedAndChangesNothing() {
    TokenKind.Minted token = issue(false);
    TokenKind.Minted other = JoinTokens.mint(cluster);
    TestProbe<SessionControl> control = testKit.createTestProbe();
    var forged = JoinTokens.parse(other.text()).orElseThrow();
    var refused =
        kit.<ConnectReply>runCommand(
            r ->
                new ClusterEntity.Connect(
                    "s1",
                    token.tokenId(),
                    forged.secretSha256(),
                    "x",
                    0,
                    inventory(),
                    control.ref(),
                    java.time.Instant.now().plusSeconds(10),
                    r));
    assertThat(refused.reply().admitted()).isFalse();
    assertThat(refused.events()).isEmpty();

    kit.<TokensRevoked>runCommand(
        r -> new ClusterEntity.RevokeTokens(token.tokenId(), "users/admin", "r", r));
    assertThat(connect("s2", token, control).admitted()).isFalse();
  }

  @Test
  void revokingTheTokenOfTheConnectedSessionClosesIt() {
    TokenKind.Minted token = issue(false);
    TestProbe<SessionControl> control = testKit.createTestProbe();
    connect("s1", token, control);
    issue(true); // rotation revokes the first token
    SessionControl closed = control.receiveMessage();
    assertThat(closed.sessionId()).isEqualTo("s1");
    assertThat(closed.reason()).isEqualTo(ClusterEntity.CloseReason.REVOKED);
    assertThat(closed.detail()).contains("revoked");
  }

  @Test
  void aNewerSessionReplacesTheOlderOneWhichIsToldToClose() {
    TokenKind.Minted token = issue(false);
    TestProbe<SessionControl> first = testKit.createTestProbe();
    TestProbe<SessionControl> second = testKit.createTestProbe();
    connect("s1", token, first);
    connect("s2", token, second);
    SessionControl replaced = first.receiveMessage();
    assertThat(replaced.reason()).isEqualTo(ClusterEntity.CloseReason.REPLACED);
    assertThat(replaced.detail()).contains("replaced");
    var stale =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), inventory("shop"), r));
    assertThat(stale.reply().accepted()).isFalse();
    assertThat(stale.events()).isEmpty();
  }

  @Test
  void aConnectWithoutExpiryFromAPreviousReleaseIsAdmitted() {
    TokenKind.Minted token = issue(false);
    var presented = JoinTokens.parse(token.text()).orElseThrow();
    TestProbe<SessionControl> control = testKit.createTestProbe();
    var reply =
        kit.<ConnectReply>runCommand(
            r ->
                new ClusterEntity.Connect(
                    "old-node",
                    presented.tokenId(),
                    presented.secretSha256(),
                    "0.1.0",
                    0,
                    inventory("shop"),
                    control.ref(),
                    null,
                    r));
    assertThat(reply.reply().admitted()).isTrue();
  }

  @Test
  void aConnectThatExpiredBeforeItWasHandledNeitherAdmitsNorReplacesTheLiveSession() {
    TokenKind.Minted token = issue(false);
    TestProbe<SessionControl> live = testKit.createTestProbe();
    TestProbe<SessionControl> gone = testKit.createTestProbe();
    connect("live", token, live);
    var presented = JoinTokens.parse(token.text()).orElseThrow();

    var late =
        kit.<ConnectReply>runCommand(
            r ->
                new ClusterEntity.Connect(
                    "gone",
                    presented.tokenId(),
                    presented.secretSha256(),
                    "0.1.0",
                    0,
                    inventory("shop"),
                    gone.ref(),
                    Instant.now().minusMillis(1),
                    r));

    assertThat(late.reply().admitted()).isFalse();
    assertThat(late.reply().refusal()).isEqualTo(ClusterEntity.Refusal.EXPIRED);
    assertThat(late.reply().detail()).contains("expired");
    assertThat(late.events()).isEmpty();
    live.expectNoMessage(java.time.Duration.ofMillis(200));
    var beat =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("live", Instant.now(), inventory("shop"), r));
    assertThat(beat.reply().accepted()).isTrue();
  }

  @Test
  void everyHeartbeatIsAnEventAndOnlyAChangedInventoryAddsOne() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    var same =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), inventory("shop"), r));
    assertThat(same.events()).hasSize(1).first().isInstanceOf(ClusterEvent.HeartbeatReceived.class);
    var changed =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.Heartbeat("s1", Instant.now(), inventory("shop", "payments"), r));
    assertThat(changed.events()).hasSize(2);
    assertThat(changed.events().get(1)).isInstanceOf(ClusterEvent.InventoryChanged.class);
    assertThat(kit.getState().inventory().namespaces()).containsExactly("payments", "shop");
  }

  @Test
  void aChangedIstioReportIsAnInventoryEventAndSurvivesARestart() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    var istio =
        IstioInventory.newBuilder()
            .addRevisions(
                IstioRevision.newBuilder().setName("1-22-1").setVersion("1.22.1").setReady(true))
            .addTags(IstioRevisionTag.newBuilder().setTag("stable").setRevision("1-22-1"))
            .build();
    var withIstio =
        InventorySnapshot.of(Inventory.newBuilder().addNamespaces("shop").setIstio(istio).build());
    var changed =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), withIstio, r));
    assertThat(changed.events()).hasSize(2);
    assertThat(changed.events().get(1)).isInstanceOf(ClusterEvent.InventoryChanged.class);
    var same =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), withIstio, r));
    assertThat(same.events()).hasSize(1);

    kit.restart();

    assertThat(kit.getState().inventory().toProto().getIstio()).isEqualTo(istio);
  }

  @Test
  void aBatchOfHeartbeatsIsOneEventEachAndKeepsEveryInventoryChangeInOrder() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    long before = kit.getState().heartbeats();
    Instant t = Instant.now();
    var batch =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.Heartbeats(
                    "s1",
                    List.of(
                        new ClusterEntity.Beat(t, services(3, 2)),
                        new ClusterEntity.Beat(t.plusMillis(1), services(0, 2)),
                        new ClusterEntity.Beat(t.plusMillis(2), services(0, 2)),
                        new ClusterEntity.Beat(t.plusMillis(3), services(3, 2))),
                    r));
    assertThat(batch.reply().accepted()).isTrue();
    // a change that came and went inside the batch is journaled as if the beats came one by one
    assertThat(batch.events())
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly(
            "HeartbeatReceived",
            "InventoryChanged",
            "HeartbeatReceived",
            "InventoryChanged",
            "ServiceHealthChanged",
            "HeartbeatReceived",
            "HeartbeatReceived",
            "InventoryChanged",
            "ServiceHealthChanged");
    assertThat(kit.getState().heartbeats()).isEqualTo(before + 4);
    assertThat(kit.getState().inventory()).isEqualTo(services(3, 2));
    assertThat(kit.getState().lastHeartbeat()).isNotNull();
  }

  @Test
  void aBatchFromAReplacedSessionIsRefusedWithoutEvents() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    connect("s2", token, testKit.createTestProbe());
    var stale =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.Heartbeats(
                    "s1", List.of(new ClusterEntity.Beat(Instant.now(), inventory("shop"))), r));
    assertThat(stale.reply().accepted()).isFalse();
    assertThat(stale.events()).isEmpty();
  }

  @Test
  void standingXdsRejectionsAreKeptOnChangeOnlyAndClearedByABeatWithoutThem() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    var nack =
        new StandingXdsRejection(
            "grpc-js-1",
            "type.googleapis.com/envoy.config.cluster.v3.Cluster",
            "3",
            "unsupported lb_policy LEAST_REQUEST",
            Instant.parse("2026-12-07T16:00:00Z"));
    Instant t = Instant.now();

    var rejected =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.Heartbeats(
                    "s1",
                    List.of(
                        new ClusterEntity.Beat(t, inventory("shop"), List.of(nack)),
                        new ClusterEntity.Beat(t.plusMillis(1), inventory("shop"), List.of(nack))),
                    r));

    assertThat(rejected.events())
        .filteredOn(e -> e instanceof ClusterEvent.XdsRejectionsChanged)
        .containsExactly(
            new ClusterEvent.XdsRejectionsChanged(
                cluster, List.of(nack), nowOf(rejected.events())));
    assertThat(kit.getState().xdsRejections()).containsExactly(nack);
    assertThat(StandingXdsRejection.of(nack.toProto())).isEqualTo(nack);

    kit.restart();
    assertThat(kit.getState().xdsRejections()).containsExactly(nack);

    var cleared =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.Heartbeats(
                    "s1", List.of(new ClusterEntity.Beat(t.plusMillis(2), inventory("shop"))), r));

    assertThat(cleared.events())
        .filteredOn(e -> e instanceof ClusterEvent.XdsRejectionsChanged)
        .singleElement()
        .satisfies(e -> assertThat(((ClusterEvent.XdsRejectionsChanged) e).rejections()).isEmpty());
    assertThat(kit.getState().xdsRejections()).isEmpty();
  }

  private static Instant nowOf(List<ClusterEvent> events) {
    return events.get(0).at();
  }

  private static InventorySnapshot services(int cartHealthy, int payHealthy) {
    return InventorySnapshot.of(
        Inventory.newBuilder()
            .addNamespaces("shop")
            .addServices(
                dev.trestle.protocol.v1.InventoryService.newBuilder()
                    .setNamespace("shop")
                    .setName("cart")
                    .setEndpoints(3)
                    .setHealthyEndpoints(cartHealthy))
            .addServices(
                dev.trestle.protocol.v1.InventoryService.newBuilder()
                    .setNamespace("shop")
                    .setName("pay")
                    .setEndpoints(3)
                    .setHealthyEndpoints(payHealthy))
            .build());
  }

  @Test
  void aServiceCrossingZeroHealthyEndpointsIsAnAuditedEventOtherCountsAreNot() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    kit.<Accepted>runCommand(
        r -> new ClusterEntity.Heartbeat("s1", Instant.now(), services(3, 2), r));
    var fewer =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), services(2, 2), r));
    assertThat(fewer.events()).noneMatch(e -> e instanceof ClusterEvent.ServiceHealthChanged);
    var zero =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), services(0, 2), r));
    assertThat(zero.events()).hasSize(3);
    assertThat(zero.events().get(1)).isInstanceOf(ClusterEvent.InventoryChanged.class);
    assertThat(zero.events().get(2))
        .isInstanceOfSatisfying(
            ClusterEvent.ServiceHealthChanged.class,
            e -> {
              assertThat(e.service()).isEqualTo("shop/cart");
              assertThat(e.healthyBefore()).isEqualTo(2);
              assertThat(e.healthyAfter()).isZero();
            });
    var back =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.Heartbeat("s1", Instant.now(), services(1, 2), r));
    assertThat(back.events())
        .filteredOn(e -> e instanceof ClusterEvent.ServiceHealthChanged)
        .hasSize(1);
    // audit slice only: the desired-state projection reads the inventory change; health is
    // projected too
    assertThat(ClusterTags.tagsFor(zero.events().get(2)))
        .doesNotContain(dev.trestle.core.ConfigTags.DESIRED_STATE);
    assertThat(
            ClusterTags.tagsFor(
                new ClusterEvent.HealthChanged(
                    cluster,
                    ClusterHealthState.HEALTHY,
                    ClusterHealthState.UNHEALTHY,
                    "x",
                    Instant.now())))
        .contains(dev.trestle.core.ConfigTags.DESIRED_STATE);
  }

  @Test
  void silenceTurnsTheClusterUnhealthyAndTheNextHeartbeatHealthyAgain() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    TestProbe<ClusterState> probe = testKit.createTestProbe();
    // 3 x 100 ms without a heartbeat: the entity's own deadline fires.
    probe.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          kit.runCommand(ClusterEntity.GetState::new);
          assertThat(kit.getState().health()).isEqualTo(ClusterHealthState.UNHEALTHY);
          return null;
        });
    var back =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.Heartbeats(
                    "s1",
                    List.of(
                        new ClusterEntity.Beat(Instant.now(), inventory("shop")),
                        new ClusterEntity.Beat(Instant.now(), inventory("shop"))),
                    r));
    // one health change for the batch, right after its first heartbeat
    assertThat(back.events())
        .extracting(e -> e.getClass().getSimpleName())
        .containsExactly("HeartbeatReceived", "HealthChanged", "HeartbeatReceived");
    assertThat(back.events().get(1))
        .isInstanceOfSatisfying(
            ClusterEvent.HealthChanged.class,
            h -> assertThat(h.to()).isEqualTo(ClusterHealthState.HEALTHY));
  }

  @Test
  void ackClearsAnOlderNackAndRepeatedReportsAddNoEvents() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    int before = journalSize();
    kit.<Accepted>runCommand(r -> new ClusterEntity.Nack("s1", 3, "bad regex", List.of(), 2, r));
    assertThat(journalSize()).isEqualTo(before + 1);
    assertThat(kit.getState().failedVersion()).isEqualTo(3);
    kit.<Accepted>runCommand(r -> new ClusterEntity.Nack("s1", 3, "bad regex", List.of(), 2, r));
    assertThat(journalSize()).isEqualTo(before + 1);
    kit.<Accepted>runCommand(r -> new ClusterEntity.Ack("s1", 4, "h4", r));
    assertThat(kit.getState().appliedVersion()).isEqualTo(4);
    assertThat(kit.getState().failedVersion()).isZero();
    kit.<Accepted>runCommand(r -> new ClusterEntity.Ack("s1", 4, "h4", r));
    assertThat(journalSize()).isEqualTo(before + 2);
  }

  private int journalSize() {
    return kit.persistenceTestKit().persistedInStorage("edge-cluster|" + cluster).size();
  }

  @Test
  void aLongHeartbeatStreamKeepsTheJournalBounded() {
    TokenKind.Minted token = issue(false);
    connect("s1", token, testKit.createTestProbe());
    for (int i = 0; i < 250; i++) {
      kit.<Accepted>runCommand(
          r -> new ClusterEntity.Heartbeat("s1", Instant.now(), inventory("shop"), r));
    }
    // batches (as edge sessions send under load) cross snapshot boundaries inside one write
    for (int i = 0; i < 50; i++) {
      kit.<Accepted>runCommand(
          r ->
              new ClusterEntity.Heartbeats(
                  "s1",
                  java.util.Collections.nCopies(
                      5, new ClusterEntity.Beat(Instant.now(), inventory("shop"))),
                  r));
    }
    assertThat(kit.getState().heartbeats()).isEqualTo(500);
    int kept = journalSize();
    // snapshot every 10, keep 2: events before the older kept snapshot are deleted, so at most
    // 10 x (2 + 1) remain whatever the number of heartbeats.
    assertThat(kept).isLessThanOrEqualTo(SETTINGS.snapshotEvery() * (SETTINGS.keepSnapshots() + 1));
    kit.restart();
    assertThat(kit.getState().heartbeats()).isEqualTo(500);
  }

  @Test
  void aServiceMarkedFailingByTelemetryIsJournaledOnceForTheProjectionAndSurvivesARestart() {
    var failing =
        kit.<Accepted>runCommand(
            r ->
                new ClusterEntity.SetServiceFailing(
                    "shop/cart", true, 0.8, 100, "5xx ratio 0.800 over 100 requests", r));
    assertThat(failing.reply().accepted()).isTrue();
    assertThat(failing.events())
        .singleElement()
        .isInstanceOfSatisfying(
            ClusterEvent.ServiceFailingChanged.class,
            e -> {
              assertThat(e.service()).isEqualTo("shop/cart");
              assertThat(e.failing()).isTrue();
              assertThat(e.requests()).isEqualTo(100);
            });
    // desired-state input (failover) and audited
    assertThat(ClusterTags.tagsFor(failing.events().get(0)))
        .contains(dev.trestle.core.ConfigTags.DESIRED_STATE);
    assertThat(kit.getState().failingServices()).containsExactly("shop/cart");

    // a repeat (another central node, or a lost reply) changes nothing
    var again =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.SetServiceFailing("shop/cart", true, 0.9, 120, "again", r));
    assertThat(again.events()).isEmpty();

    kit.restart();
    assertThat(kit.getState().failingServices()).containsExactly("shop/cart");
    var healthy =
        kit.<Accepted>runCommand(
            r -> new ClusterEntity.SetServiceFailing("shop/cart", false, 0.05, 500, "ok", r));
    assertThat(healthy.events()).hasSize(1);
    assertThat(kit.getState().failingServices()).isEmpty();
  }
}
