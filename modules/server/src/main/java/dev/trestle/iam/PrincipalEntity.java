package dev.trestle.iam;

import dev.trestle.core.CborSerializable;
import dev.trestle.core.ConfigTags;
import dev.trestle.core.JournalBackoff;
import dev.trestle.core.Problem;
import dev.trestle.core.TokenLifetime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * A user or service account ("users/alice", "serviceaccounts/ci") and its bearer tokens. Only
 * SHA-256 hashes of token secrets are journaled.
 *
 * <p>A token may expire ({@code expiresAt}); an expired token is refused with the time it expired.
 * Its last use is recorded coarsely: a successful verification persists {@link TokenUsed} only when
 * the recorded last use is at least {@link #LAST_USED_GRANULARITY} old, so a busy token costs one
 * small, untagged event a minute (no audit row), not one per request. Snapshots bound the replay.
 */
public final class PrincipalEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        PrincipalEntity.Command, PrincipalEntity.Event, PrincipalEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "principal");

  /** How stale a token's recorded last use may be: at most one {@link TokenUsed} per this. */
  public static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  /**
   * A token's stored record; {@code expiresAt} null = never expires, {@code lastUsedAt} null =
   * never used (or used last before last-used times were recorded).
   */
  public record Token(
      String hash,
      Instant issuedAt,
      String issuedBy,
      boolean revoked,
      String description,
      Instant expiresAt,
      Instant lastUsedAt)
      implements CborSerializable {
    public boolean expiredAt(Instant now) {
      return TokenLifetime.expired(expiresAt, now);
    }

    Token revoke() {
      return new Token(hash, issuedAt, issuedBy, true, description, expiresAt, lastUsedAt);
    }

    Token usedAt(Instant at) {
      return new Token(hash, issuedAt, issuedBy, revoked, description, expiresAt, at);
    }
  }

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
      tokens = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
    }
  }

  public sealed interface Command extends CborSerializable {}

  public record CreatePrincipal(
      String displayName, String principal, String requestId, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * @param ttl how long the token is valid from now; null = until revoked
   */
  public record IssueToken(
      String tokenId,
      String hash,
      String description,
      Duration ttl,
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

  /** {@code expiresAt} is null for a token that never expires (and in events before expiry). */
  public record TokenIssued(
      String name,
      long version,
      String tokenId,
      String hash,
      String description,
      String principal,
      String requestId,
      Instant at,
      Instant expiresAt)
      implements Event {}

  /**
   * A token was used at {@code at}; coalesced (see the class comment), untagged, and it leaves the
   * principal's version as it is: using a token changes no configuration.
   */
  public record TokenUsed(
      String name, long version, String tokenId, String principal, String requestId, Instant at)
      implements Event {}

  public record TokenRevoked(
      String name, long version, String tokenId, String principal, String requestId, Instant at)
      implements Event {}

  private final String name;
  private final Clock clock;
  private final Consumer<IamChanges.Changed> onChange;

  private PrincipalEntity(String name, Clock clock, Consumer<IamChanges.Changed> onChange) {
    super(PersistenceId.of(TYPE_KEY.name(), name), JournalBackoff.onPersistFailure());
    this.name = name;
    this.clock = clock;
    this.onChange = onChange;
  }

  public static Behavior<Command> create(String name) {
    return create(name, Clock.systemUTC());
  }

  public static Behavior<Command> create(String name, Clock clock) {
    return create(name, clock, change -> {});
  }

  /**
   * @param onChange told when a token was revoked, before the reply (the nodes' {@link IamCache}s
   *     forget the principal's tokens: {@link IamChanges#changed})
   */
  public static Behavior<Command> create(
      String name, Clock clock, Consumer<IamChanges.Changed> onChange) {
    return new PrincipalEntity(name, clock, onChange);
  }

  @Override
  public State emptyState() {
    return new State(false, "", false, 0, null, "", Map.of());
  }

  @Override
  public Set<String> tagsFor(Event event) {
    if (event instanceof TokenUsed) {
      return Set.of();
    }
    return Set.of(ConfigTags.tagFor(event.name()));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Last-used events accumulate on busy principals; snapshots keep recovery short.
    return RetentionCriteria.snapshotEvery(100, 2);
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
    Instant now = clock.instant();
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
                now,
                c.ttl() == null ? null : now.plus(c.ttl())))
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
        .thenRun(st -> onChange.accept(new IamChanges.Changed(name, null)))
        .thenReply(c.replyTo(), st -> new Reply(st, null));
  }

  private ReplyEffect<Event, State> onVerify(State s, VerifyToken c) {
    Token token = s.tokens().get(c.tokenId());
    boolean matches =
        s.exists()
            && !s.disabled()
            && token != null
            && !token.revoked()
            && MessageDigest.isEqual(token.hash().getBytes(), c.hash().getBytes());
    if (!matches) {
      return unauthenticated(
          c, "the bearer token is invalid, revoked, or its principal is disabled");
    }
    Instant now = clock.instant();
    if (token.expiredAt(now)) {
      // Only the holder of the secret learns this, so it may say when and which token.
      return unauthenticated(
          c,
          "token expired at "
              + token.expiresAt()
              + " (token "
              + c.tokenId()
              + " of "
              + name
              + "); ask for a new one");
    }
    if (token.lastUsedAt() != null
        && now.isBefore(token.lastUsedAt().plus(LAST_USED_GRANULARITY))) {
      return Effect().reply(c.replyTo(), new Reply(s, null));
    }
    return Effect()
        .persist(new TokenUsed(name, s.version(), c.tokenId(), name, "", now))
        .thenReply(c.replyTo(), st -> new Reply(st, null));
  }

  private ReplyEffect<Event, State> unauthenticated(VerifyToken c, String message) {
    return Effect()
        .reply(c.replyTo(), new Reply(null, Problem.of(Problem.Code.UNAUTHENTICATED, "", message)));
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
                  e.tokenId(),
                  new Token(
                      e.hash(),
                      e.at(),
                      e.principal(),
                      false,
                      e.description(),
                      e.expiresAt(),
                      null));
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
              tokens.put(e.tokenId(), tokens.get(e.tokenId()).revoke());
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
            TokenUsed.class,
            (s, e) -> {
              var tokens = new LinkedHashMap<>(s.tokens());
              var t = tokens.get(e.tokenId());
              if (t == null) {
                return s;
              }
              tokens.put(e.tokenId(), t.usedAt(e.at()));
              return new State(
                  s.exists(),
                  s.displayName(),
                  s.disabled(),
                  s.version(),
                  s.createTime(),
                  s.createdBy(),
                  tokens);
            });
    return builder.build();
  }
}
