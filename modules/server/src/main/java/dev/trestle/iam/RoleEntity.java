package dev.trestle.iam;

import dev.trestle.core.CborSerializable;
import dev.trestle.core.ConfigTags;
import dev.trestle.core.JournalBackoff;
import dev.trestle.core.Perm;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/** A custom role: permissions, optionally limited to some kinds. Keyed by role name. */
public final class RoleEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        RoleEntity.Command, RoleEntity.Event, RoleEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "role");

  public record State(boolean exists, List<Perm> permissions, List<String> kinds, long version)
      implements CborSerializable {
    public State {
      permissions = List.copyOf(permissions);
      kinds = List.copyOf(kinds);
    }
  }

  public sealed interface Command extends CborSerializable {}

  public record SetRole(
      List<Perm> permissions,
      List<String> kinds,
      String principal,
      String requestId,
      ActorRef<State> replyTo)
      implements Command {}

  public record GetRole(ActorRef<State> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record RoleSet(
      String name,
      long version,
      List<Perm> permissions,
      List<String> kinds,
      String principal,
      String requestId,
      Instant at)
      implements Event {}

  private final String name;

  private RoleEntity(String name) {
    super(PersistenceId.of(TYPE_KEY.name(), name), JournalBackoff.onPersistFailure());
    this.name = name;
  }

  public static Behavior<Command> create(String name) {
    return new RoleEntity(name);
  }

  @Override
  public State emptyState() {
    return new State(false, List.of(), List.of(), 0);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(ConfigTags.tagFor("roles/" + name));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetRole.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(
            SetRole.class,
            (s, c) -> {
              if (s.exists()
                  && s.permissions().equals(c.permissions())
                  && s.kinds().equals(c.kinds())) {
                return Effect().reply(c.replyTo(), s);
              }
              return Effect()
                  .persist(
                      new RoleSet(
                          name,
                          s.version() + 1,
                          c.permissions(),
                          c.kinds(),
                          c.principal(),
                          c.requestId(),
                          Clock.systemUTC().instant()))
                  .thenReply(c.replyTo(), st -> st);
            })
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(RoleSet.class, (s, e) -> new State(true, e.permissions(), e.kinds(), e.version()));
    return builder.build();
  }
}
