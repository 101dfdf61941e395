package dev.trestle.rollouts;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.protocol.v1.RevisionRolloutStatus;
import dev.trestle.protocol.v1.RolloutClusterStatus;
import dev.trestle.protocol.v1.RolloutNamespaceStatus;
import dev.trestle.protocol.v1.RolloutPhase;
import dev.trestle.protocol.v1.RolloutStage;
import dev.trestle.protocol.v1.RolloutStagePhase;
import dev.trestle.protocol.v1.RolloutStageStatus;
import dev.trestle.protocol.v1.RolloutVerification;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import dev.trestle.rollouts.RolloutState.Phase;
import dev.trestle.rollouts.RolloutState.StagePhase;
import dev.trestle.rollouts.RolloutState.StageTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollout's status view (docs/upgrades.md, "Rollout status"): its stage state as the {@link
 * RevisionRolloutEntity} rebuilt it, with the namespace labels the clusters' edges report now. A
 * rollout not started yet shows the stages its plan would have if it started now.
 */
public final class RolloutViews {
  private RolloutViews() {}

  /**
   * @param reported cluster name → namespace → its {@code istio.io/rev} label, as the edges report
   *     it (every cluster of the rollout's organization)
   */
  public static RevisionRolloutStatus status(
      String fqn,
      RevisionRolloutSpec spec,
      RolloutState state,
      Map<String, Map<String, String>> reported,
      Instant now) {
    var out =
        RevisionRolloutStatus.newBuilder()
            .setRollout(fqn)
            .setVerification(verification(spec))
            .setRestartWorkloads(
                state.phase() == Phase.NOT_STARTED
                    ? spec.getRestartWorkloads()
                    : state.restartWorkloads());
    if (state.phase() == Phase.NOT_STARTED) {
      var covered = new HashMap<String, Map<String, String>>();
      reported.forEach(
          (cluster, labels) -> {
            if (RolloutPlan.coversCluster(spec, cluster)) {
              covered.put(cluster, labels);
            }
          });
      out.setPhase(RolloutPhase.ROLLOUT_PENDING)
          .setFromRevision(spec.getFromRevision())
          .setToRevision(spec.getToRevision());
      List<RolloutPlan.Stage> plan = RolloutPlan.of(spec, covered);
      for (int i = 0; i < plan.size(); i++) {
        out.addStages(
            stage(i, plan.get(i), spec, RolloutStagePhase.STAGE_WAITING, null, Map.of(), reported));
      }
      return out.build();
    }
    out.setPhase(phase(state.phase()))
        .setFromRevision(state.fromRevision())
        .setToRevision(state.toRevision())
        .setSpecVersion(state.version())
        .setCurrentStage(state.stages().isEmpty() ? 0 : state.stage() + 1);
    if (!state.times().isEmpty()) {
      out.setStartedTime(timestamp(state.times().get(0).started()));
    }
    if (state.phase() == Phase.SUCCEEDED || state.phase() == Phase.HALTED) {
      out.setFinishedTime(timestamp(state.stageSince()));
    }
    if (state.phase() == Phase.HALTED) {
      out.setHaltReason(state.reason());
    }
    var wanted = new HashMap<String, String>();
    for (NamespaceLabel l : state.labels()) {
      wanted.put(l.cluster() + "/" + l.namespace(), l.revision());
    }
    for (int i = 0; i < state.stages().size(); i++) {
      RolloutPlan.Stage stage = state.stages().get(i);
      StageTimes times = i < state.times().size() ? state.times().get(i) : null;
      RolloutStagePhase phase = stagePhase(state, i, times, spec.hasVerification(), now);
      out.addStages(
          stage(i, stage, spec, phase, times, times == null ? Map.of() : wanted, reported));
    }
    return out.build();
  }

  private static RolloutPhase phase(Phase phase) {
    return switch (phase) {
      case NOT_STARTED -> RolloutPhase.ROLLOUT_PENDING;
      case RUNNING -> RolloutPhase.ROLLOUT_RUNNING;
      case SUCCEEDED -> RolloutPhase.ROLLOUT_SUCCEEDED;
      case HALTED -> RolloutPhase.ROLLOUT_HALTED;
    };
  }

  static RolloutStagePhase stagePhase(
      RolloutState state, int index, StageTimes times, boolean verify, Instant now) {
    if (state.phase() == Phase.SUCCEEDED || index < state.stage()) {
      return RolloutStagePhase.STAGE_PASSED;
    }
    if (index > state.stage()) {
      return state.phase() == Phase.HALTED
          ? RolloutStagePhase.STAGE_SKIPPED
          : RolloutStagePhase.STAGE_WAITING;
    }
    if (state.phase() == Phase.HALTED) {
      return RolloutStagePhase.STAGE_REVERTED;
    }
    if (state.stagePhase() == StagePhase.LABELING || times == null || times.labelled() == null) {
      return RolloutStagePhase.STAGE_LABELING;
    }
    boolean pauseOver =
        !now.isBefore(times.labelled().plusMillis(state.stages().get(index).pauseMillis()));
    return pauseOver && verify
        ? RolloutStagePhase.STAGE_VERIFYING
        : RolloutStagePhase.STAGE_PAUSING;
  }

  private static RolloutStageStatus stage(
      int index,
      RolloutPlan.Stage stage,
      RevisionRolloutSpec spec,
      RolloutStagePhase phase,
      StageTimes times,
      Map<String, String> wanted,
      Map<String, Map<String, String>> reported) {
    var out =
        RolloutStageStatus.newBuilder()
            .setIndex(index + 1)
            .setName(stage.name())
            .setPhase(phase)
            .setPause(pause(spec, stage));
    if (times != null) {
      out.setStartedTime(timestamp(times.started())).setDetail(times.detail());
      if (times.labelled() != null) {
        out.setLabelledTime(timestamp(times.labelled()))
            .setPauseUntil(timestamp(times.labelled().plusMillis(stage.pauseMillis())));
      }
      if (times.ended() != null) {
        out.setFinishedTime(timestamp(times.ended()));
      }
    }
    var byCluster = new LinkedHashMap<String, RolloutClusterStatus.Builder>();
    for (RolloutPlan.Target t : stage.targets()) {
      var cluster =
          byCluster.computeIfAbsent(
              t.cluster(), c -> RolloutClusterStatus.newBuilder().setCluster(c));
      String want = wanted.getOrDefault(t.cluster() + "/" + t.namespace(), "");
      String now = reported.getOrDefault(t.cluster(), Map.of()).getOrDefault(t.namespace(), "");
      cluster.addNamespaces(
          RolloutNamespaceStatus.newBuilder()
              .setNamespace(t.namespace())
              .setWanted(want)
              .setReported(now));
      if (!want.isEmpty() && want.equals(now)) {
        cluster.setRelabelled(cluster.getRelabelled() + 1);
      }
    }
    byCluster.values().forEach(out::addClusters);
    return out.build();
  }

  /** The spec's text for the stage's pause when the stage still has its name; else its length. */
  private static String pause(RevisionRolloutSpec spec, RolloutPlan.Stage stage) {
    for (RolloutStage s : spec.getStagesList()) {
      if (s.getName().equals(stage.name())
          && Durations.parse(s.getPause())
              .map(d -> d.toMillis() == stage.pauseMillis())
              .orElse(false)) {
        return s.getPause();
      }
    }
    return stage.pauseMillis() == 0 ? "" : Durations.format(stage.pauseMillis() * 1_000_000L);
  }

  static String verification(RevisionRolloutSpec spec) {
    if (!spec.hasVerification()) {
      return "";
    }
    RolloutVerification v = spec.getVerification();
    var bounds = new ArrayList<String>();
    if (v.getMaxErrorRatio() > 0) {
      bounds.add("error ratio <= " + RolloutVerifier.fmt(v.getMaxErrorRatio()));
    }
    if (v.getMaxP99Ms() > 0) {
      bounds.add("p99 <= " + RolloutVerifier.fmt(v.getMaxP99Ms()) + "ms");
    }
    return String.join(", ", bounds) + " over " + (v.getWindow().isEmpty() ? "5m" : v.getWindow());
  }

  private static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
