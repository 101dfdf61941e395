package dev.trestle.iam;

import dev.trestle.core.CborSerializable;
import dev.trestle.core.ConfigTags;
import dev.trestle.core.JournalBackoff;
import dev.trestle.core.Problem;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * A user or service account ("users/alice", "serviceaccounts/ci") and its bearer tokens. Only
 * SHA-256 hashes of token secrets are journaled.
 */
public final class PrincipalEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        PrincipalEntity.Command, PrincipalEntity.Event, PrincipalEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "principal");

  public record Token(
      String hash, Instant issuedAt, String issuedBy, boolean revoked, String description)
      implements CborSerializable {}

  public record State(
      boolean exists,
      String displayName,
      boolean disabled,
      long version,
      Instant createTime,
      String createdBy,
      Map<String, Token> tokens)
      implements CborSerializable {
    public State {
      tokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
    }
  }

  public sealed interface Command extends CborSerializable {}

  public record CreatePrincipal(
      String displayName, String principal, String requestId, ActorRef<Reply> replyTo)
      implements Command {}

  public record IssueToken(
      String tokenId,
      String hash,
      String description,
      String principal,
      String requestId,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record RevokeToken(
      String tokenId, String principal, String requestId, ActorRef<Reply> replyTo)
      implements Command {}

  public record GetPrincipal(ActorRef<Reply> replyTo) implements Command {}

  /** Checks a presented token; replies with the state when valid, a problem otherwise. */
  public record VerifyToken(String tokenId, String hash, ActorRef<Reply> replyTo)
      implements Command {}

  public record Reply(State state, Problem problem) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {
    String name();

    long version();

    String principal();

    String requestId();

    Instant at();
  }

  public record PrincipalCreated(
      String name, long version, String displayName, String principal, String requestId, Instant at)
      implements Event {}

  public record TokenIssued(
      String name,
      long version,
      String tokenId,
      String hash,
      String description,
      String principal,
      String requestId,
      Instant at)
      implements Event {}

  public record TokenRevoked(
      String name, long version, String tokenId, String principal, String requestId, Instant at)
      implements Event {}

  private final String name;
  private final Clock clock;

  private PrincipalEntity(String name, Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), name), JournalBackoff.onPersistFailure());
    this.name = name;
    this.clock = clock;
  }

  public static Behavior<Command> create(String name) {
    return new PrincipalEntity(name, Clock.systemUTC());
  }

  @Override
  public State emptyState() {
    return new State(false, "", false, 0, null, "", Map.of());
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(ConfigTags.tagFor(event.name()));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetPrincipal.class, (s, c) -> Effect().reply(c.replyTo(), new Reply(s, null)))
        .onCommand(CreatePrincipal.class, this::onCreate)
        .onCommand(IssueToken.class, this::onIssue)
        .onCommand(RevokeToken.class, this::onRevoke)
        .onCommand(VerifyToken.class, this::onVerify)
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State s, CreatePrincipal c) {
    if (s.exists()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Reply(s, Problem.conflict(name, name + " already exists", s.version())));
    }
    return Effect()
        .persist(
            new PrincipalCreated(
                name, 1, c.displayName(), c.principal(), c.requestId(), clock.instant()))
        .thenReply(c.replyTo(), st -> new Reply(st, null));
  }

  private ReplyEffect<Event, State> onIssue(State s, IssueToken c) {
    if (!s.exists()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Reply(s, Problem.of(Problem.Code.NOT_FOUND, name, name + " does not exist")));
    }
    return Effect()
        .persist(
            new TokenIssued(
                name,
                s.version() + 1,
                c.tokenId(),
                c.hash(),
                c.description(),
                c.principal(),
                c.requestId(),
                clock.instant()))
        .thenReply(c.replyTo(), st -> new Reply(st, null));
  }

  private ReplyEffect<Event, State> onRevoke(State s, RevokeToken c) {
    Token token = s.tokens().get(c.tokenId());
    if (token == null) {
      return Effect()
          .reply(
              c.replyTo(),
              new Reply(
                  s,
                  Problem.of(Problem.Code.NOT_FOUND, name, name + " has no token " + c.tokenId())));
    }
    if (token.revoked()) {
      return Effect().reply(c.replyTo(), new Reply(s, null));
    }
    return Effect()
        .persist(
            new TokenRevoked(
                name, s.version() + 1, c.tokenId(), c.principal(), c.requestId(), clock.instant()))
        .thenReply(c.replyTo(), st -> new Reply(st, null));
  }

  private ReplyEffect<Event, State> onVerify(State s, VerifyToken c) {
    Token token = s.tokens().get(c.tokenId());
    boolean valid =
        s.exists()
            && !s.disabled()
            && token != null
            && !token.revoked()
            && MessageDigest.isEqual(token.hash().getBytes(), c.hash().getBytes());
    return Effect()
        .reply(
            c.replyTo(),
            new Reply(
                valid ? s : null,
                valid
                    ? null
                    : Problem.of(Problem.Code.UNAUTHENTICATED, "", "invalid or revoked token")));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder
        .forAnyState()
        .onEvent(
            PrincipalCreated.class,
            (s, e) ->
                new State(
                    true, e.displayName(), false, e.version(), e.at(), e.principal(), Map.of()))
        .onEvent(
            TokenIssued.class,
            (s, e) -> {
              var tokens = new LinkedHashMap<>(s.tokens());
              tokens.put(
                  e.tokenId(), new Token(e.hash(), e.at(), e.principal(), false, e.description()));
              return new State(
                  true,
                  s.displayName(),
                  s.disabled(),
                  e.version(),
                  s.createTime(),
                  s.createdBy(),
                  tokens);
            })
        .onEvent(
            TokenRevoked.class,
            (s, e) -> {
              var tokens = new LinkedHashMap<>(s.tokens());
              var t = tokens.get(e.tokenId());
              tokens.put(
                  e.tokenId(),
                  new Token(t.hash(), t.issuedAt(), t.issuedBy(), true, t.description()));
              return new State(
                  true,
                  s.displayName(),
                  s.disabled(),
                  e.version(),
                  s.createTime(),
                  s.createdBy(),
                  tokens);
            });
    return builder.build();
  }
}
