package dev.trestle.gitops;

import dev.trestle.core.CborSerializable;
import dev.trestle.core.JournalBackoff;
import java.time.Instant;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The sync status of one GitSource, keyed by the source's FQN (docs/gitops.md, "Sync status"), so
 * that a central restart or a node taking the runner over shows what the last sync did and resumes
 * one cut short. Two events: a sync began writing at a commit, and a sync ended with an outcome. A
 * sync that ends as the last one did, without having written, persists nothing, so an idle source
 * does not grow the journal. Its events carry no tag: no projection reads them, the audit rows of a
 * sync's writes come from the resources' own events.
 */
final class SyncStatusEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        SyncStatusEntity.Command, SyncStatusEntity.Event, SyncStatusEntity.State> {

  static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "gitsource-sync-status");

  // ---- state ----

  /**
   * {@code last}: the outcome of the last finished sync (null before the first); {@code writing}:
   * the commit a sync began writing and has not finished ("" when none).
   */
  record State(SyncRecord last, String writing) implements CborSerializable {
    State {
      writing = writing == null ? "" : writing;
    }

    static State empty() {
      return new State(null, "");
    }

    /** Whether a sync was cut short after it began writing: the runner repeats it at once. */
    boolean interrupted() {
      return !writing.isEmpty();
    }
  }

  // ---- commands ----

  sealed interface Command extends CborSerializable {}

  record GetSyncStatus(ActorRef<State> replyTo) implements Command {}

  record BeginWrites(String commit, Instant at, ActorRef<Done> replyTo) implements Command {}

  record RecordSync(SyncRecord record, ActorRef<Done> replyTo) implements Command {}

  // ---- events ----

  sealed interface Event extends CborSerializable {}

  record SyncWritesBegan(String source, String commit, Instant at) implements Event {}

  record SyncRecorded(String source, SyncRecord record) implements Event {}

  private final String source;

  private SyncStatusEntity(String source) {
    super(PersistenceId.of(TYPE_KEY.name(), source), JournalBackoff.onPersistFailure());
    this.source = source;
  }

  static Behavior<Command> create(String source) {
    return new SyncStatusEntity(source);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetSyncStatus.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(BeginWrites.class, this::begin)
        .onCommand(RecordSync.class, this::record)
        .build();
  }

  private ReplyEffect<Event, State> begin(State s, BeginWrites c) {
    if (s.writing().equals(c.commit())) {
      return Effect().reply(c.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new SyncWritesBegan(source, c.commit(), c.at()))
        .thenReply(c.replyTo(), x -> Done.getInstance());
  }

  private ReplyEffect<Event, State> record(State s, RecordSync c) {
    if (!s.interrupted() && c.record().sameOutcome(s.last())) {
      return Effect().reply(c.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new SyncRecorded(source, c.record()))
        .thenReply(c.replyTo(), x -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(SyncWritesBegan.class, (s, e) -> new State(s.last(), e.commit()))
        .onEvent(SyncRecorded.class, (s, e) -> new State(e.record(), ""))
        .build();
  }
}
