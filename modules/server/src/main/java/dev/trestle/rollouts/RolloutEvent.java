package dev.trestle.rollouts;

import dev.trestle.core.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * What happens to a revision rollout, as journaled by its {@link RevisionRolloutEntity}. Every
 * event is audited; those that change which namespace labels the edges must set carry the rollout's
 * whole label set ({@code labels}) and feed the desired-state projection too (see {@link
 * RolloutTags}).
 */
public sealed interface RolloutEvent extends CborSerializable {
  /** The rollout's FQN, {@code organizations/ORG/revisionrollouts/NAME}. */
  String rollout();

  Instant at();

  /** The rollout began with the spec of resource version {@code version}; its plan is frozen. */
  record RolloutStarted(
      String rollout,
      long version,
      String fromRevision,
      String toRevision,
      boolean restartWorkloads,
      List<RolloutPlan.Stage> stages,
      Instant at)
      implements RolloutEvent {
    public RolloutStarted {
      stages = List.copyOf(stages);
    }
  }

  /** Stage {@code index} began: its namespaces are to be labelled {@code toRevision}. */
  record StageStarted(
      String rollout, long version, int index, List<NamespaceLabel> labels, Instant at)
      implements RolloutEvent {
    public StageStarted {
      labels = List.copyOf(labels);
    }
  }

  /** Every namespace of stage {@code index} reports its new label; its pause runs from here. */
  record StageLabeled(String rollout, int index, Instant at) implements RolloutEvent {}

  /** Stage {@code index} passed (its pause is over and its verification, if any, held). */
  record StagePassed(String rollout, int index, String detail, Instant at)
      implements RolloutEvent {}

  /**
   * Stage {@code index} failed: the rollout halts and the stage's namespaces go back to {@code
   * fromRevision} ({@code labels} is the label set after the revert).
   */
  record StageFailed(
      String rollout,
      long version,
      int index,
      String reason,
      List<NamespaceLabel> labels,
      Instant at)
      implements RolloutEvent {
    public StageFailed {
      labels = List.copyOf(labels);
    }
  }

  /** Every stage passed. */
  record RolloutSucceeded(String rollout, Instant at) implements RolloutEvent {}

  /**
   * One label the edge of {@code cluster} (a cluster name) must set: {@code istio.io/rev: revision}
   * on {@code namespace}; a non-empty {@code restartedAt} also restarts the namespace's Deployments
   * with that {@code kubectl.kubernetes.io/restartedAt} value.
   */
  record NamespaceLabel(String cluster, String namespace, String revision, String restartedAt)
      implements CborSerializable {}
}
