package dev.trestle.rollouts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.protocol.v1.RevisionRolloutStatus;
import dev.trestle.protocol.v1.RolloutClusterStatus;
import dev.trestle.protocol.v1.RolloutPhase;
import dev.trestle.protocol.v1.RolloutStage;
import dev.trestle.protocol.v1.RolloutStagePhase;
import dev.trestle.protocol.v1.RolloutStageStatus;
import dev.trestle.protocol.v1.RolloutVerification;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The status view of a rollout at each point of its life, from its events and the edges' labels.
 */
class RolloutViewsTest {
  private static final String FQN = "organizations/acme/revisionrollouts/r1";
  private static final Instant T0 = Instant.parse("2026-12-07T21:00:00Z");
  private static final RevisionRolloutSpec SPEC =
      RevisionRolloutSpec.newBuilder()
          .addClusters("*")
          .setFromRevision("stable")
          .setToRevision("canary")
          .setRestartWorkloads(true)
          .addStages(
              RolloutStage.newBuilder().setName("first").addNamespaces("shop").setPause("1m"))
          .addStages(RolloutStage.newBuilder().setName("rest").addNamespaces("*"))
          .setVerification(
              RolloutVerification.newBuilder()
                  .setMaxErrorRatio(0.05)
                  .setMaxP99Ms(500)
                  .setWindow("1m"))
          .build();
  private static final Map<String, Map<String, String>> BEFORE =
      Map.of(
          "c1", Map.of("shop", "stable", "payments", "stable", "pinned", "1-21-3"),
          "c2", Map.of("payments", "stable"));
  private static final Map<String, Map<String, String>> SHOP_MOVED =
      Map.of(
          "c1", Map.of("shop", "canary", "payments", "stable", "pinned", "1-21-3"),
          "c2", Map.of("payments", "stable"));

  private static RolloutState after(RolloutEvent... events) {
    RolloutState s = RolloutState.empty();
    for (RolloutEvent e : events) {
      s = s.apply(e);
    }
    return s;
  }

  private static RolloutEvent started() {
    return new RolloutEvent.RolloutStarted(
        FQN, 4, "stable", "canary", true, RolloutPlan.of(SPEC, BEFORE), T0);
  }

  private static RolloutEvent stage1(RolloutState s) {
    return new RolloutEvent.StageStarted(FQN, 4, 0, s.labelsWithStage(0, T0), T0);
  }

  private static Instant at(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static String namespaces(RolloutStageStatus stage) {
    return stage.getClustersList().stream()
        .map(
            c ->
                c.getCluster()
                    + " "
                    + c.getRelabelled()
                    + "/"
                    + c.getNamespacesCount()
                    + " "
                    + c.getNamespacesList().stream()
                        .map(n -> n.getNamespace() + ":" + n.getWanted() + ":" + n.getReported())
                        .collect(Collectors.joining(",")))
        .collect(Collectors.joining("; "));
  }

  @Test
  void aRolloutNotStartedShowsThePlanItWouldHaveNow() {
    RevisionRolloutStatus s = RolloutViews.status(FQN, SPEC, RolloutState.empty(), BEFORE, T0);

    assertThat(s.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_PENDING);
    assertThat(s.getCurrentStage()).isZero();
    assertThat(s.getVerification()).isEqualTo("error ratio <= 0.05, p99 <= 500ms over 1m");
    assertThat(s.getStagesList())
        .extracting(RolloutStageStatus::getPhase)
        .containsOnly(RolloutStagePhase.STAGE_WAITING);
    assertThat(namespaces(s.getStages(0))).isEqualTo("c1 0/1 shop::stable");
    // pinned is labelled with a revision, not with fromRevision: in no stage
    assertThat(namespaces(s.getStages(1)))
        .isEqualTo("c1 0/1 payments::stable; c2 0/1 payments::stable");
    assertThat(s.getStages(0).getPause()).isEqualTo("1m");
    assertThat(s.getStages(1).getPause()).isEmpty();
  }

  @Test
  void aStageIsLabelingThenPausingUntilItsPauseEndsThenVerifying() {
    RolloutState begun = after(started());
    RolloutState labeling = after(started(), stage1(begun));
    RevisionRolloutStatus s = RolloutViews.status(FQN, SPEC, labeling, BEFORE, T0.plusSeconds(5));
    assertThat(s.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_RUNNING);
    assertThat(s.getCurrentStage()).isEqualTo(1);
    assertThat(at(s.getStartedTime())).isEqualTo(T0);
    assertThat(s.getStages(0).getPhase()).isEqualTo(RolloutStagePhase.STAGE_LABELING);
    assertThat(namespaces(s.getStages(0))).isEqualTo("c1 0/1 shop:canary:stable");
    assertThat(s.getStages(0).hasLabelledTime()).isFalse();

    RolloutState pausing =
        after(started(), stage1(begun), new RolloutEvent.StageLabeled(FQN, 0, T0.plusSeconds(10)));
    s = RolloutViews.status(FQN, SPEC, pausing, SHOP_MOVED, T0.plusSeconds(30));
    RolloutStageStatus first = s.getStages(0);
    assertThat(first.getPhase()).isEqualTo(RolloutStagePhase.STAGE_PAUSING);
    assertThat(at(first.getStartedTime())).isEqualTo(T0);
    assertThat(at(first.getLabelledTime())).isEqualTo(T0.plusSeconds(10));
    assertThat(at(first.getPauseUntil())).isEqualTo(T0.plusSeconds(70));
    assertThat(first.hasFinishedTime()).isFalse();
    assertThat(namespaces(first)).isEqualTo("c1 1/1 shop:canary:canary");
    assertThat(s.getStages(1).getPhase()).isEqualTo(RolloutStagePhase.STAGE_WAITING);
    assertThat(namespaces(s.getStages(1)))
        .isEqualTo("c1 0/1 payments::stable; c2 0/1 payments::stable");

    s = RolloutViews.status(FQN, SPEC, pausing, SHOP_MOVED, T0.plusSeconds(70));
    assertThat(s.getStages(0).getPhase()).isEqualTo(RolloutStagePhase.STAGE_VERIFYING);
    // without a verification the stage just passes at the next step
    var unverified = SPEC.toBuilder().clearVerification().build();
    s = RolloutViews.status(FQN, unverified, pausing, SHOP_MOVED, T0.plusSeconds(70));
    assertThat(s.getStages(0).getPhase()).isEqualTo(RolloutStagePhase.STAGE_PAUSING);
    assertThat(s.getVerification()).isEmpty();
  }

  @Test
  void aHaltedRolloutShowsThePassedStageTheRevertedOneAndWhy() {
    RolloutState begun = after(started());
    var events =
        new ArrayList<>(
            List.of(
                started(),
                stage1(begun),
                new RolloutEvent.StageLabeled(FQN, 0, T0.plusSeconds(10)),
                new RolloutEvent.StagePassed(FQN, 0, "error ratio 0.0000", T0.plusSeconds(75))));
    RolloutState one = after(events.toArray(RolloutEvent[]::new));
    events.add(
        new RolloutEvent.StageStarted(
            FQN, 4, 1, one.labelsWithStage(1, T0.plusSeconds(75)), T0.plusSeconds(75)));
    events.add(new RolloutEvent.StageLabeled(FQN, 1, T0.plusSeconds(80)));
    RolloutState two = after(events.toArray(RolloutEvent[]::new));
    String reason = "stage rest failed verification: error ratio 0.9000: error ratio above 0.05";
    events.add(
        new RolloutEvent.StageFailed(
            FQN, 4, 1, reason, two.labelsReverting(1, T0.plusSeconds(90)), T0.plusSeconds(90)));
    RolloutState halted = after(events.toArray(RolloutEvent[]::new));
    var reported =
        Map.of(
            "c1", Map.of("shop", "canary", "payments", "stable"),
            "c2", Map.of("payments", "canary"));

    RevisionRolloutStatus s = RolloutViews.status(FQN, SPEC, halted, reported, T0.plusSeconds(95));

    assertThat(s.getPhase()).isEqualTo(RolloutPhase.ROLLOUT_HALTED);
    assertThat(s.getCurrentStage()).isEqualTo(2);
    assertThat(s.getHaltReason()).isEqualTo(reason);
    assertThat(at(s.getFinishedTime())).isEqualTo(T0.plusSeconds(90));
    RolloutStageStatus first = s.getStages(0);
    assertThat(first.getPhase()).isEqualTo(RolloutStagePhase.STAGE_PASSED);
    assertThat(at(first.getFinishedTime())).isEqualTo(T0.plusSeconds(75));
    assertThat(first.getDetail()).isEqualTo("error ratio 0.0000");
    RolloutStageStatus second = s.getStages(1);
    assertThat(second.getPhase()).isEqualTo(RolloutStagePhase.STAGE_REVERTED);
    assertThat(at(second.getStartedTime())).isEqualTo(T0.plusSeconds(75));
    assertThat(at(second.getLabelledTime())).isEqualTo(T0.plusSeconds(80));
    assertThat(at(second.getFinishedTime())).isEqualTo(T0.plusSeconds(90));
    assertThat(second.getDetail()).isEqualTo(reason);
    // wanted back on stable: c1's edge reports it already, c2's not yet
    assertThat(namespaces(second))
        .isEqualTo("c1 1/1 payments:stable:stable; c2 0/1 payments:stable:canary");
    assertThat(second.getClustersList())
        .extracting(RolloutClusterStatus::getCluster)
        .containsExactly("c1", "c2");
  }

  @Test
  void aStageAfterTheFailedOneIsSkipped() {
    var threeStages =
        SPEC.toBuilder()
            .addStages(RolloutStage.newBuilder().setName("never").addNamespaces("none"))
            .build();
    RolloutState begun =
        after(
            new RolloutEvent.RolloutStarted(
                FQN, 4, "stable", "canary", false, RolloutPlan.of(threeStages, BEFORE), T0));
    RolloutState halted =
        after(
            new RolloutEvent.RolloutStarted(
                FQN, 4, "stable", "canary", false, RolloutPlan.of(threeStages, BEFORE), T0),
            new RolloutEvent.StageStarted(FQN, 4, 0, begun.labelsWithStage(0, T0), T0),
            new RolloutEvent.StageFailed(
                FQN,
                4,
                0,
                "stage first: namespaces not labelled canary by their edges within 10m: c1/shop",
                List.of(new NamespaceLabel("c1", "shop", "stable", "")),
                T0.plusSeconds(600)));

    RevisionRolloutStatus s = RolloutViews.status(FQN, threeStages, halted, BEFORE, T0);

    assertThat(s.getStagesList())
        .extracting(RolloutStageStatus::getPhase)
        .containsExactly(
            RolloutStagePhase.STAGE_REVERTED,
            RolloutStagePhase.STAGE_SKIPPED,
            RolloutStagePhase.STAGE_SKIPPED);
    assertThat(s.getStages(2).getClustersList()).isEmpty();
    assertThat(s.getStages(1).hasStartedTime()).isFalse();
  }
}
