package dev.trestle.rollouts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.trestle.core.CborSerializable;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A rollout as rebuilt from its events: the frozen plan, where it stands (which stage, labelling or
 * pausing since when), why it halted, and the namespace labels the edges must set now.
 */
public record RolloutState(
    Phase phase,
    long version,
    String fromRevision,
    String toRevision,
    boolean restartWorkloads,
    List<RolloutPlan.Stage> stages,
    int stage,
    StagePhase stagePhase,
    Instant stageSince,
    String reason,
    List<NamespaceLabel> labels,
    List<StageTimes> times)
    implements CborSerializable {

  public enum Phase {
    NOT_STARTED,
    RUNNING,
    SUCCEEDED,
    HALTED
  }

  /** Within the running stage: waiting for the edges to report the labels, then pausing. */
  public enum StagePhase {
    LABELING,
    PAUSING
  }

  /**
   * When stage i started, had its labels reported, and ended (null: not yet), and what its end
   * said: the verification's detail when it passed, the reason when it failed. One per stage that
   * has started, in order; for the status view (docs/upgrades.md).
   */
  public record StageTimes(Instant started, Instant labelled, Instant ended, String detail)
      implements CborSerializable {
    public StageTimes {
      detail = detail == null ? "" : detail;
    }
  }

  public RolloutState {
    stages = List.copyOf(stages);
    labels = List.copyOf(labels);
    reason = reason == null ? "" : reason;
    times = List.copyOf(times);
  }

  public static RolloutState empty() {
    return new RolloutState(
        Phase.NOT_STARTED,
        0,
        "",
        "",
        false,
        List.of(),
        0,
        StagePhase.LABELING,
        null,
        "",
        List.of(),
        List.of());
  }

  @JsonIgnore
  public RolloutPlan.Stage current() {
    return stages.get(stage);
  }

  /** The label set once stage {@code index} starts at {@code at}: its namespaces get toRevision. */
  List<NamespaceLabel> labelsWithStage(int index, Instant at) {
    var out = new ArrayList<>(labels);
    for (RolloutPlan.Target t : stages.get(index).targets()) {
      out.add(
          new NamespaceLabel(
              t.cluster(), t.namespace(), toRevision, restartWorkloads ? at.toString() : ""));
    }
    return out;
  }

  /** The label set after stage {@code index} is reverted at {@code at}: back to fromRevision. */
  List<NamespaceLabel> labelsReverting(int index, Instant at) {
    var stageTargets = stages.get(index).targets();
    var out = new ArrayList<NamespaceLabel>();
    for (NamespaceLabel l : labels) {
      boolean inStage = stageTargets.contains(new RolloutPlan.Target(l.cluster(), l.namespace()));
      out.add(
          inStage
              ? new NamespaceLabel(
                  l.cluster(), l.namespace(), fromRevision, restartWorkloads ? at.toString() : "")
              : l);
    }
    return out;
  }

  RolloutState apply(RolloutEvent event) {
    if (event instanceof RolloutEvent.RolloutStarted e) {
      return new RolloutState(
          Phase.RUNNING,
          e.version(),
          e.fromRevision(),
          e.toRevision(),
          e.restartWorkloads(),
          e.stages(),
          0,
          StagePhase.LABELING,
          e.at(),
          "",
          List.of(),
          List.of());
    }
    if (event instanceof RolloutEvent.StageStarted e) {
      var next = new ArrayList<>(times.subList(0, Math.min(e.index(), times.size())));
      next.add(new StageTimes(e.at(), null, null, ""));
      return with(Phase.RUNNING, e.index(), StagePhase.LABELING, e.at(), "", e.labels(), next);
    }
    if (event instanceof RolloutEvent.StageLabeled e) {
      return with(
          Phase.RUNNING,
          e.index(),
          StagePhase.PAUSING,
          e.at(),
          "",
          labels,
          timesOf(e.index(), t -> new StageTimes(t.started(), e.at(), null, "")));
    }
    if (event instanceof RolloutEvent.StagePassed e) {
      return with(
          Phase.RUNNING,
          e.index(),
          StagePhase.PAUSING,
          stageSince,
          e.detail(),
          labels,
          timesOf(e.index(), t -> new StageTimes(t.started(), t.labelled(), e.at(), e.detail())));
    }
    if (event instanceof RolloutEvent.StageFailed e) {
      return with(
          Phase.HALTED,
          e.index(),
          stagePhase,
          e.at(),
          e.reason(),
          e.labels(),
          timesOf(e.index(), t -> new StageTimes(t.started(), t.labelled(), e.at(), e.reason())));
    }
    if (event instanceof RolloutEvent.RolloutSucceeded e) {
      return with(Phase.SUCCEEDED, stage, stagePhase, e.at(), reason, labels, times);
    }
    throw new IllegalArgumentException("unknown rollout event " + event.getClass().getName());
  }

  private RolloutState with(
      Phase phase,
      int stage,
      StagePhase stagePhase,
      Instant since,
      String reason,
      List<NamespaceLabel> labels,
      List<StageTimes> times) {
    return new RolloutState(
        phase,
        version,
        fromRevision,
        toRevision,
        restartWorkloads,
        stages,
        stage,
        stagePhase,
        since,
        reason,
        labels,
        times);
  }

  /** {@code times} with the entry of stage {@code index} changed (kept as is when it has none). */
  private List<StageTimes> timesOf(int index, UnaryOperator<StageTimes> change) {
    var out = new ArrayList<>(times);
    if (index < out.size()) {
      out.set(index, change.apply(out.get(index)));
    }
    return out;
  }
}
