package dev.trestle.rollouts;

import dev.trestle.core.CborSerializable;
import dev.trestle.core.JournalBackoff;
import dev.trestle.rollouts.RolloutState.Phase;
import dev.trestle.rollouts.RolloutState.StagePhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The stage state of one revision rollout, keyed by the RevisionRollout resource's FQN
 * (docs/upgrades.md). It does no I/O and keeps no clock: the {@link RevisionRolloutRunner} ticks it
 * with what it needs (the spec's plan, the namespace labels the clusters' edges report, the time,
 * and a telemetry verdict when one is due), and it decides: start, stage labelled, stage passed,
 * stage failed (halt and revert that stage), succeeded. Each decision is one event, so a central
 * restart resumes exactly where it stood.
 */
public final class RevisionRolloutEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        RevisionRolloutEntity.Command, RolloutEvent, RolloutState> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "revision-rollout");

  /** How long a stage may wait for its edges to report the new labels before it fails. */
  public static final Duration LABEL_TIMEOUT = Duration.ofMinutes(10);

  // ---- commands ----

  public sealed interface Command extends CborSerializable {}

  /**
   * One step: {@code plan} is what the rollout would move if it started now (used only when it
   * starts); {@code labels} per cluster name, namespace → its {@code istio.io/rev}; {@code verdict}
   * the telemetry verdict for the running stage, null when none is due or none is configured
   * ({@code verify} false).
   */
  public record Tick(
      long version,
      String fromRevision,
      String toRevision,
      boolean restartWorkloads,
      boolean verify,
      List<RolloutPlan.Stage> plan,
      Map<String, Map<String, String>> labels,
      Verdict verdict,
      Instant now,
      ActorRef<Progress> replyTo)
      implements Command {}

  public record GetProgress(ActorRef<Progress> replyTo) implements Command {}

  /** Where the rollout stands, for the runner, the API and tests. */
  public record Progress(String rollout, RolloutState state) implements CborSerializable {
    /** Whether the running stage waits for a telemetry verdict at {@code now}. */
    public boolean verificationDue(Instant now) {
      return state.phase() == Phase.RUNNING
          && state.stagePhase() == StagePhase.PAUSING
          && !now.isBefore(state.stageSince().plusMillis(state.current().pauseMillis()));
    }
  }

  private final String rollout;

  private RevisionRolloutEntity(String rollout) {
    super(PersistenceId.of(TYPE_KEY.name(), rollout), JournalBackoff.onPersistFailure());
    this.rollout = rollout;
  }

  public static Behavior<Command> create(String rollout) {
    return new RevisionRolloutEntity(rollout);
  }

  @Override
  public RolloutState emptyState() {
    return RolloutState.empty();
  }

  @Override
  public Set<String> tagsFor(RolloutEvent event) {
    return RolloutTags.tagsFor(event);
  }

  @Override
  public CommandHandlerWithReply<Command, RolloutEvent, RolloutState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetProgress.class, (s, c) -> Effect().reply(c.replyTo(), progress(s)))
        .onCommand(Tick.class, this::tick)
        .build();
  }

  private Progress progress(RolloutState s) {
    return new Progress(rollout, s);
  }

  private ReplyEffect<RolloutEvent, RolloutState> tick(RolloutState s, Tick t) {
    List<RolloutEvent> events = decide(s, t);
    if (events.isEmpty()) {
      return Effect().reply(t.replyTo(), progress(s));
    }
    return Effect().persist(events).thenReply(t.replyTo(), this::progress);
  }

  /** The events one tick causes (none when nothing is due). */
  private List<RolloutEvent> decide(RolloutState s, Tick t) {
    var out = new ArrayList<RolloutEvent>();
    Instant now = t.now();
    switch (s.phase()) {
      case SUCCEEDED, HALTED -> {
        return out;
      }
      case NOT_STARTED -> {
        var started =
            new RolloutEvent.RolloutStarted(
                rollout,
                t.version(),
                t.fromRevision(),
                t.toRevision(),
                t.restartWorkloads(),
                t.plan(),
                now);
        out.add(started);
        RolloutState next = s.apply(started);
        if (next.stages().isEmpty()) {
          out.add(new RolloutEvent.RolloutSucceeded(rollout, now));
        } else {
          out.add(
              new RolloutEvent.StageStarted(
                  rollout, next.version(), 0, next.labelsWithStage(0, now), now));
        }
        return out;
      }
      case RUNNING -> {}
    }
    int i = s.stage();
    if (s.stagePhase() == StagePhase.LABELING) {
      if (labelled(s.current(), s.toRevision(), t.labels())) {
        out.add(new RolloutEvent.StageLabeled(rollout, i, now));
      } else if (!now.isBefore(s.stageSince().plus(LABEL_TIMEOUT))) {
        out.add(
            new RolloutEvent.StageFailed(
                rollout,
                s.version(),
                i,
                "stage "
                    + s.current().name()
                    + ": namespaces not labelled "
                    + s.toRevision()
                    + " by their edges within "
                    + LABEL_TIMEOUT.toMinutes()
                    + "m: "
                    + missing(s.current(), s.toRevision(), t.labels()),
                s.labelsReverting(i, now),
                now));
      }
      return out;
    }
    if (now.isBefore(s.stageSince().plusMillis(s.current().pauseMillis()))) {
      return out; // still pausing
    }
    String detail;
    if (t.verify()) {
      if (t.verdict() == null) {
        return out; // the runner brings the verdict with the next tick
      }
      if (t.verdict().outcome() == Verdict.Outcome.FAIL) {
        out.add(
            new RolloutEvent.StageFailed(
                rollout,
                s.version(),
                i,
                "stage " + s.current().name() + " failed verification: " + t.verdict().detail(),
                s.labelsReverting(i, now),
                now));
        return out;
      }
      detail = t.verdict().detail();
    } else {
      detail = "no verification configured";
    }
    out.add(new RolloutEvent.StagePassed(rollout, i, detail, now));
    if (i + 1 < s.stages().size()) {
      out.add(
          new RolloutEvent.StageStarted(
              rollout, s.version(), i + 1, s.labelsWithStage(i + 1, now), now));
    } else {
      out.add(new RolloutEvent.RolloutSucceeded(rollout, now));
    }
    return out;
  }

  private static boolean labelled(
      RolloutPlan.Stage stage, String revision, Map<String, Map<String, String>> labels) {
    return missing(stage, revision, labels).isEmpty();
  }

  private static List<String> missing(
      RolloutPlan.Stage stage, String revision, Map<String, Map<String, String>> labels) {
    var out = new ArrayList<String>();
    for (RolloutPlan.Target t : stage.targets()) {
      String now = labels.getOrDefault(t.cluster(), Map.of()).get(t.namespace());
      if (!revision.equals(now)) {
        out.add(t.cluster() + "/" + t.namespace());
      }
    }
    return out;
  }

  @Override
  public EventHandler<RolloutState, RolloutEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(RolloutState::apply);
  }
}
