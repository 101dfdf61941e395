package dev.trestle.rollouts;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.trestle.rollouts.RevisionRolloutEntity.Command;
import dev.trestle.rollouts.RevisionRolloutEntity.Progress;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import dev.trestle.rollouts.RolloutState.Phase;
import dev.trestle.rollouts.RolloutState.StagePhase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A revision rollout's stage state: its decisions, a failed verification, a central restart. */
class RevisionRolloutEntityTest {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));
  private static final Instant T0 = Instant.parse("2026-12-07T21:00:00Z");

  // Two stages: shop in c1 first (pause 60s), then payments in c1 and c2.
  private static final List<RolloutPlan.Stage> PLAN =
      List.of(
          new RolloutPlan.Stage("first", 60_000, List.of(new RolloutPlan.Target("c1", "shop"))),
          new RolloutPlan.Stage(
              "rest",
              0,
              List.of(
                  new RolloutPlan.Target("c1", "payments"),
                  new RolloutPlan.Target("c2", "payments"))));

  private String rollout;
  private EventSourcedBehaviorTestKit<Command, RolloutEvent, RolloutState> kit;

  @BeforeEach
  void setUp() {
    rollout = "organizations/acme/revisionrollouts/r" + COUNTER.incrementAndGet();
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            RevisionRolloutEntity.create(rollout),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          Command, RolloutEvent, RolloutState, Progress>
      tick(Map<String, Map<String, String>> labels, boolean verify, Verdict verdict, Instant now) {
    return kit.runCommand(
        r ->
            new RevisionRolloutEntity.Tick(
                3, "stable", "canary", true, verify, PLAN, labels, verdict, now, r));
  }

  private static final Map<String, Map<String, String>> BEFORE =
      Map.of(
          "c1", Map.of("shop", "stable", "payments", "stable"),
          "c2", Map.of("payments", "stable"));
  private static final Map<String, Map<String, String>> SHOP_MOVED =
      Map.of(
          "c1", Map.of("shop", "canary", "payments", "stable"),
          "c2", Map.of("payments", "stable"));

  @Test
  void startsWithTheFirstStagesLabelsAndWaitsForTheEdgesToReportThem() {
    var started = tick(BEFORE, false, null, T0);
    assertThat(started.events())
        .hasExactlyElementsOfTypes(
            RolloutEvent.RolloutStarted.class, RolloutEvent.StageStarted.class);
    assertThat(started.reply().state().labels())
        .containsExactly(new NamespaceLabel("c1", "shop", "canary", T0.toString()));

    // the edge has not applied it yet: nothing happens
    assertThat(tick(BEFORE, false, null, T0.plusSeconds(5)).events()).isEmpty();
    var labelled = tick(SHOP_MOVED, false, null, T0.plusSeconds(10));
    assertThat(labelled.events()).singleElement().isInstanceOf(RolloutEvent.StageLabeled.class);
    // pausing 60s from the moment the labels were seen
    assertThat(tick(SHOP_MOVED, false, null, T0.plusSeconds(69)).events()).isEmpty();
    var next = tick(SHOP_MOVED, false, null, T0.plusSeconds(70));
    assertThat(next.events())
        .hasExactlyElementsOfTypes(RolloutEvent.StagePassed.class, RolloutEvent.StageStarted.class);
    assertThat(next.reply().state().labels())
        .extracting(l -> l.cluster() + "/" + l.namespace() + "=" + l.revision())
        .containsExactly("c1/shop=canary", "c1/payments=canary", "c2/payments=canary");
  }

  @Test
  void aFailedVerificationHaltsAndRevertsOnlyTheFailingStage() {
    tick(BEFORE, true, null, T0);
    tick(SHOP_MOVED, true, null, T0.plusSeconds(10));
    // pause over, but no verdict yet: the runner brings it next time
    var due = tick(SHOP_MOVED, true, null, T0.plusSeconds(70));
    assertThat(due.events()).isEmpty();
    assertThat(due.reply().verificationDue(T0.plusSeconds(70))).isTrue();

    var failed =
        tick(
            SHOP_MOVED,
            true,
            Verdict.fail("error ratio 0.2000 over 5m: error ratio above 0.01"),
            T0.plusSeconds(75));

    assertThat(failed.events()).singleElement().isInstanceOf(RolloutEvent.StageFailed.class);
    var halted = failed.reply().state();
    assertThat(halted.phase()).isEqualTo(Phase.HALTED);
    assertThat(halted.reason()).contains("stage first failed verification").contains("0.2000");
    assertThat(halted.labels())
        .containsExactly(new NamespaceLabel("c1", "shop", "stable", T0.plusSeconds(75).toString()));
    // halted stays halted
    assertThat(tick(SHOP_MOVED, true, Verdict.pass("fine"), T0.plusSeconds(90)).events()).isEmpty();
  }

  @Test
  void aStageWhoseLabelsNeverAppearFailsAfterTheTimeoutAndReverts() {
    tick(BEFORE, false, null, T0);
    var failed = tick(BEFORE, false, null, T0.plus(RevisionRolloutEntity.LABEL_TIMEOUT));
    assertThat(failed.events()).singleElement().isInstanceOf(RolloutEvent.StageFailed.class);
    assertThat(failed.reply().state().reason()).contains("c1/shop");
    assertThat(failed.reply().state().labels())
        .extracting(NamespaceLabel::revision)
        .containsOnly("stable");
  }

  @Test
  void afterACentralRestartTheRolloutResumesAtTheStageItWasIn() {
    tick(BEFORE, false, null, T0);
    tick(SHOP_MOVED, false, null, T0.plusSeconds(10));
    tick(SHOP_MOVED, false, null, T0.plusSeconds(70)); // stage 2 started

    kit.restart();

    RolloutState s = kit.getState();
    assertThat(s.phase()).isEqualTo(Phase.RUNNING);
    assertThat(s.stage()).isEqualTo(1);
    assertThat(s.stagePhase()).isEqualTo(StagePhase.LABELING);
    assertThat(s.labels()).hasSize(3);
    // a tick after the restart does not start over: the plan is the one frozen at the start
    var all =
        Map.of(
            "c1", Map.of("shop", "canary", "payments", "canary"),
            "c2", Map.of("payments", "canary"));
    var resumed = tick(all, false, null, T0.plusSeconds(80));
    assertThat(resumed.events()).singleElement().isInstanceOf(RolloutEvent.StageLabeled.class);
    assertThat(tick(all, false, null, T0.plusSeconds(81)).events())
        .hasExactlyElementsOfTypes(
            RolloutEvent.StagePassed.class, RolloutEvent.RolloutSucceeded.class);
    kit.restart();
    assertThat(kit.getState().phase()).isEqualTo(Phase.SUCCEEDED);
  }
}
