package dev.trestle.iam;

import dev.trestle.core.CborSerializable;
import dev.trestle.core.ConfigTags;
import dev.trestle.core.JournalBackoff;
import dev.trestle.core.Problem;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The access bindings attached to one FQN ("" = the root). Versioned and evented like
 * configuration, tagged in the config slices so the audit log records every change.
 */
public final class PolicyEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        PolicyEntity.Command, PolicyEntity.Event, PolicyEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "access-policy");
  public static final String ROOT_ID = "_root";

  public record State(List<Binding> bindings, long version, Instant updateTime, String updatedBy)
      implements CborSerializable {
    public State {
      bindings = List.copyOf(bindings);
    }
  }

  public sealed interface Command extends CborSerializable {}

  public record SetBindings(
      List<Binding> bindings,
      long expectedVersion,
      String principal,
      String requestId,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** Adds one subject to one role, idempotently (used to make a creator the admin). */
  public record Grant(
      String role, String subject, String principal, String requestId, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetBindings(ActorRef<Reply> replyTo) implements Command {}

  public record Reply(State state, Problem problem) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {
    String target();
  }

  public record BindingsChanged(
      String target,
      long version,
      List<Binding> before,
      List<Binding> after,
      String principal,
      String requestId,
      Instant at)
      implements Event {}

  private final String target;
  private final Clock clock;
  private final Consumer<IamChanges.Changed> onChange;

  private PolicyEntity(String entityId, Clock clock, Consumer<IamChanges.Changed> onChange) {
    super(PersistenceId.of(TYPE_KEY.name(), entityId), JournalBackoff.onPersistFailure());
    this.target = ROOT_ID.equals(entityId) ? "" : entityId;
    this.clock = clock;
    this.onChange = onChange;
  }

  public static Behavior<Command> create(String entityId) {
    return create(entityId, change -> {});
  }

  /**
   * @param onChange told of every persisted change of the bindings, before the reply (the nodes'
   *     {@link IamCache}s forget them: {@link IamChanges#changed})
   */
  public static Behavior<Command> create(String entityId, Consumer<IamChanges.Changed> onChange) {
    return new PolicyEntity(entityId, Clock.systemUTC(), onChange);
  }

  public static String entityId(String target) {
    return target.isEmpty() ? ROOT_ID : target;
  }

  @Override
  public State emptyState() {
    return new State(List.of(), 0, null, "");
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(ConfigTags.tagFor(event.target()));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetBindings.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s, null)))
        .onCommand(SetBindings.class, this::onSet)
        .onCommand(Grant.class, this::onGrant)
        .build();
  }

  private ReplyEffect<Event, State> onSet(State state, SetBindings cmd) {
    if (cmd.expectedVersion() > 0 && cmd.expectedVersion() != state.version()) {
      return Effect()
          .reply(
              cmd.replyTo(),
              new Reply(
                  state,
                  Problem.conflict(
                      target,
                      "bindings version "
                          + cmd.expectedVersion()
                          + " is stale: the current version is "
                          + state.version(),
                      state.version())));
    }
    if (state.bindings().equals(cmd.bindings())) {
      return Effect().reply(cmd.replyTo(), new Reply(state, null));
    }
    return persist(state, cmd.bindings(), cmd.principal(), cmd.requestId(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onGrant(State state, Grant cmd) {
    var bindings = new ArrayList<Binding>();
    boolean found = false;
    for (Binding b : state.bindings()) {
      if (b.role().equals(cmd.role())) {
        found = true;
        if (b.subjects().contains(cmd.subject())) {
          return Effect().reply(cmd.replyTo(), new Reply(state, null));
        }
        var subjects = new ArrayList<>(b.subjects());
        subjects.add(cmd.subject());
        bindings.add(new Binding(b.role(), subjects));
      } else {
        bindings.add(b);
      }
    }
    if (!found) {
      bindings.add(new Binding(cmd.role(), List.of(cmd.subject())));
    }
    return persist(state, bindings, cmd.principal(), cmd.requestId(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> persist(
      State state,
      List<Binding> after,
      String principal,
      String requestId,
      ActorRef<Reply> replyTo) {
    var event =
        new BindingsChanged(
            target,
            state.version() + 1,
            state.bindings(),
            after,
            principal,
            requestId,
            clock.instant());
    return Effect()
        .persist(event)
        .thenRun(s -> onChange.accept(new IamChanges.Changed(null, target)))
        .thenReply(replyTo, s -> new Reply(s, null));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(
            BindingsChanged.class,
            (s, e) -> new State(e.after(), e.version(), e.at(), e.principal()));
    return builder.build();
  }
}
