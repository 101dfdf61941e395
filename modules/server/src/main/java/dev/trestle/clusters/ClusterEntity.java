package dev.trestle.clusters;

import dev.trestle.clusters.ClusterEvent.EdgeConnected;
import dev.trestle.clusters.ClusterEvent.EdgeDisconnected;
import dev.trestle.clusters.ClusterEvent.HealthChanged;
import dev.trestle.clusters.ClusterEvent.HeartbeatReceived;
import dev.trestle.clusters.ClusterEvent.InventoryChanged;
import dev.trestle.clusters.ClusterEvent.JoinTokenIssued;
import dev.trestle.clusters.ClusterEvent.JoinTokenRevoked;
import dev.trestle.clusters.ClusterEvent.ObjectFailure;
import dev.trestle.clusters.ClusterEvent.VersionAcked;
import dev.trestle.clusters.ClusterEvent.VersionNacked;
import dev.trestle.clusters.ClusterEvent.XdsRejectionsChanged;
import dev.trestle.core.CborSerializable;
import dev.trestle.core.JournalBackoff;
import dev.trestle.core.TokenFormat;
import dev.trestle.core.TokenKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One cluster as central sees it, keyed by the Cluster resource's FQN: its join tokens, the one
 * edge session allowed at a time, every heartbeat, inventory changes, health, and which desired
 * state version the edge has acknowledged or refused. Heartbeats are events too; the journal stays
 * bounded because snapshots delete the events before them (see {@link ClusterSettings}).
 *
 * <p>Why this file is above 400 lines: it is one entity in the project's entity shape (commands,
 * replies and handlers nested in the entity's file, CONVENTIONS.md), and about a third of it is the
 * command and reply records. Its handlers share the entity's incarnation state (the live session's
 * reference and agent, the heartbeat deadline timer, the recovery grace), which a handler class of
 * its own could only reach through that state being passed around. The rules with a seam of their
 * own are out: events ({@link ClusterEvent}), state transitions ({@link ClusterState}), token
 * format ({@link JoinTokens}), tags ({@link ClusterTags}).
 */
public final class ClusterEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        ClusterEntity.Command, ClusterEvent, ClusterState> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "edge-cluster");
  private static final String HEALTH_TIMER = "heartbeat-deadline";

  // ---- commands ----

  public sealed interface Command extends CborSerializable {}

  /**
   * @param ttl how long the token may first be presented; null = no expiry
   * @param singleUse valid for the first admitted Connect only, which replaces it by a token of the
   *     agent's own ({@link ConnectReply#sessionToken})
   */
  public record IssueToken(
      String principal,
      String requestId,
      boolean rotate,
      Duration ttl,
      boolean singleUse,
      ActorRef<TokenIssued> replyTo)
      implements Command {
    /** A token without expiry, for many uses. */
    public IssueToken(
        String principal, String requestId, boolean rotate, ActorRef<TokenIssued> replyTo) {
      this(principal, requestId, rotate, null, false, replyTo);
    }
  }

  /** {@code tokenId} empty: revoke all. */
  public record RevokeTokens(
      String tokenId, String principal, String requestId, ActorRef<TokensRevoked> replyTo)
      implements Command {}

  /**
   * An edge presenting a join token. A Connect that arrives after {@code expiresAt} is refused
   * without effect: its session's ask has timed out and the session is gone, and admitting it would
   * replace a newer, live session.
   *
   * <p>One agent per cluster: while a live session (a healthy one this entity admitted) belongs to
   * another agent process ({@code agentInstance}), the Connect is refused unless it asks for a
   * {@code takeover}. An agent resuming its own session, or one that names no instance (an agent of
   * the previous release), replaces the earlier session as before.
   */
  public record Connect(
      String sessionId,
      String tokenId,
      String secretSha256,
      String agentVersion,
      long lastAppliedVersion,
      InventorySnapshot inventory,
      ActorRef<SessionControl> session,
      Instant expiresAt,
      String agentInstance,
      boolean takeover,
      ActorRef<ConnectReply> replyTo)
      implements Command {
    public Connect {
      // null: sent by a node of the previous release (rolling upgrade)
      agentInstance = agentInstance == null ? "" : agentInstance;
    }

    /** A Connect of an agent that names no instance and asks for no takeover. */
    public Connect(
        String sessionId,
        String tokenId,
        String secretSha256,
        String agentVersion,
        long lastAppliedVersion,
        InventorySnapshot inventory,
        ActorRef<SessionControl> session,
        Instant expiresAt,
        ActorRef<ConnectReply> replyTo) {
      this(
          sessionId,
          tokenId,
          secretSha256,
          agentVersion,
          lastAppliedVersion,
          inventory,
          session,
          expiresAt,
          "",
          false,
          replyTo);
    }
  }

  /**
   * One heartbeat. This release's sessions send {@link Heartbeats}; this command stays for edge
   * sessions on nodes of the previous release while a rolling upgrade runs.
   */
  public record Heartbeat(
      String sessionId, Instant sentAt, InventorySnapshot inventory, ActorRef<Accepted> replyTo)
      implements Command {}

  /**
   * The heartbeats one session received while its previous batch was being persisted, in order.
   * Each becomes its own event, all in one journal write: under a flood the entity writes once per
   * round trip instead of once per heartbeat.
   */
  public record Heartbeats(String sessionId, List<Beat> beats, ActorRef<Accepted> replyTo)
      implements Command {
    public Heartbeats {
      beats = List.copyOf(beats);
    }
  }

  /**
   * One heartbeat of a {@link Heartbeats} batch: when the edge sent it and what it reported, with
   * the xDS NACKs standing at the edge (empty when none, and from nodes of the previous release).
   */
  public record Beat(
      Instant sentAt, InventorySnapshot inventory, List<StandingXdsRejection> xdsRejections)
      implements CborSerializable {
    public Beat {
      xdsRejections = xdsRejections == null ? List.of() : List.copyOf(xdsRejections);
    }

    public Beat(Instant sentAt, InventorySnapshot inventory) {
      this(sentAt, inventory, List.of());
    }
  }

  public record Ack(String sessionId, long version, String setHash, ActorRef<Accepted> replyTo)
      implements Command {}

  public record Nack(
      String sessionId,
      long version,
      String reason,
      List<ObjectFailure> failures,
      long keptVersion,
      ActorRef<Accepted> replyTo)
      implements Command {}

  public record Disconnect(String sessionId, String reason, ActorRef<Accepted> replyTo)
      implements Command {}

  public record GetState(ActorRef<ClusterState> replyTo) implements Command {}

  /**
   * Central's telemetry judged a service of this cluster failing or healthy again by its error
   * ratio (docs/telemetry.md, "Failover by telemetry"). Journaled only when it changes what the
   * state says; a repeat acks without persisting.
   *
   * @param service {@code namespace/name}
   */
  public record SetServiceFailing(
      String service,
      boolean failing,
      double errorRatio,
      long requests,
      String reason,
      ActorRef<Accepted> replyTo)
      implements Command {}

  /** Starts the entity after a central restart so that its heartbeat deadline runs again. */
  public record Wake(ActorRef<Accepted> replyTo) implements Command {}

  enum HeartbeatDeadline implements Command {
    INSTANCE
  }

  // ---- replies and session control ----

  /** {@code expiresAt} null: no expiry. */
  public record TokenIssued(
      String cluster,
      TokenKind.Minted token,
      List<String> revokedTokenIds,
      Instant expiresAt,
      boolean singleUse)
      implements CborSerializable {}

  public record TokensRevoked(List<String> revokedTokenIds) implements CborSerializable {}

  /** Why a Connect was refused; {@code NONE} when it was admitted. */
  public enum Refusal {
    NONE,
    /** The session's ask had timed out before the entity handled the Connect. */
    EXPIRED,
    /** Unknown or revoked join token, or a wrong secret. */
    BAD_TOKEN,
    /** Another agent holds the cluster's live session and the Connect asked for no takeover. */
    SESSION_HELD
  }

  /**
   * {@code detail} is empty when the edge is admitted. {@code sessionToken}: when the edge was
   * admitted with a single-use token, the full text of the join token that replaced it (for the
   * Welcome, never logged or journaled); empty otherwise.
   */
  public record ConnectReply(
      Refusal refusal, String detail, ClusterState state, String sessionToken)
      implements CborSerializable {
    public ConnectReply {
      sessionToken = sessionToken == null ? "" : sessionToken;
    }

    public ConnectReply(Refusal refusal, String detail, ClusterState state) {
      this(refusal, detail, state, "");
    }

    public boolean admitted() {
      return refusal == Refusal.NONE;
    }

    @Override
    public String toString() {
      return "ConnectReply[" + refusal + ", " + detail + "]";
    }
  }

  /** {@code accepted} false when the message came from a session that is no longer current. */
  public record Accepted(boolean accepted) implements CborSerializable {}

  /** Why the entity ends an edge session. */
  public enum CloseReason {
    /** A newer session of the cluster was admitted (the same agent reconnecting, or a takeover). */
    REPLACED,
    /** The session's join token was revoked. */
    REVOKED
  }

  /** Told to an edge session: close the stream, for {@code reason}; {@code detail} for humans. */
  public record SessionControl(String sessionId, CloseReason reason, String detail)
      implements CborSerializable {}

  // ---- construction ----

  private final String cluster;
  private final ClusterSettings settings;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  // Not journaled: the session lives only as long as its stream, on whichever node holds it.
  private ActorRef<SessionControl> sessionRef;
  // The agent process of sessionRef's session ("" when it named none).
  private String sessionAgent = "";
  // When this incarnation recovered: silence before it was central's own (a restart, a shard
  // moving to another node), so a missed heartbeat counts only one full deadline after it.
  private Instant graceFrom;
  private Instant recoveredAt;

  private ClusterEntity(
      String cluster, ClusterSettings settings, Clock clock, TimerScheduler<Command> timers) {
    super(PersistenceId.of(TYPE_KEY.name(), cluster), JournalBackoff.onPersistFailure());
    this.cluster = cluster;
    this.settings = settings;
    this.clock = clock;
    this.timers = timers;
  }

  public static Behavior<Command> create(String cluster, ClusterSettings settings, Clock clock) {
    return Behaviors.withTimers(timers -> new ClusterEntity(cluster, settings, clock, timers));
  }

  @Override
  public ClusterState emptyState() {
    return ClusterState.empty();
  }

  @Override
  public Set<String> tagsFor(ClusterEvent event) {
    return ClusterTags.tagsFor(event);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Heartbeats would grow the journal forever: keep only what the last snapshots need.
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots())
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<ClusterState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  private void onRecovered(ClusterState state) {
    // The cluster keeps its health through central's own outage: its edge could not reach
    // central, or this entity was not running to hear it. Its deadline runs from now, so an edge
    // has one full deadline (heartbeat interval x unhealthy-after-missed) to reconnect before it
    // turns UNHEALTHY and other clusters withdraw its endpoints (docs/edges.md, "Health"); longer
    // when trestle.edge.restart-grace says so, because an edge in its reconnect backoff
    // (--max-backoff, 30 s by default) may need more than one deadline to notice central is back.
    recoveredAt = clock.instant();
    graceFrom = recoveredAt.plus(settings.graceAfterStart().minus(settings.unhealthyAfter()));
    if (state.health() == ClusterHealthState.HEALTHY) {
      scheduleDeadline(silentSince(state));
    }
  }

  /**
   * The last heartbeat; until the edge has spoken since this incarnation's recovery, the start of
   * the recovery grace instead (the grace ends with the first heartbeat after the restart).
   */
  private Instant silentSince(ClusterState s) {
    Instant last = s.lastHeartbeat();
    if (graceFrom == null || (last != null && last.isAfter(recoveredAt))) {
      return last;
    }
    return graceFrom;
  }

  @Override
  public EventHandler<ClusterState, ClusterEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ClusterState::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, ClusterEvent, ClusterState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(IssueToken.class, this::issue)
        .onCommand(RevokeTokens.class, this::revoke)
        .onCommand(Connect.class, this::connect)
        .onCommand(
            Heartbeat.class,
            (s, c) ->
                heartbeats(
                    s, c.sessionId(), List.of(new Beat(c.sentAt(), c.inventory())), c.replyTo()))
        .onCommand(Heartbeats.class, (s, c) -> heartbeats(s, c.sessionId(), c.beats(), c.replyTo()))
        .onCommand(Ack.class, this::ack)
        .onCommand(Nack.class, this::nack)
        .onCommand(Disconnect.class, this::disconnect)
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(SetServiceFailing.class, this::setServiceFailing)
        .onCommand(Wake.class, (s, c) -> Effect().reply(c.replyTo(), new Accepted(true)))
        .onCommand(HeartbeatDeadline.class, this::deadline)
        .build();
  }

  private ReplyEffect<ClusterEvent, ClusterState> issue(ClusterState s, IssueToken c) {
    Instant now = clock.instant();
    TokenKind.Minted minted = JoinTokens.mint(cluster);
    var events = new ArrayList<ClusterEvent>();
    var revoked = new ArrayList<String>();
    if (c.rotate()) {
      for (String id : s.tokens().keySet()) {
        events.add(new JoinTokenRevoked(cluster, id, c.principal(), c.requestId(), now));
        revoked.add(id);
      }
    }
    Instant expiresAt = c.ttl() == null ? null : now.plus(c.ttl());
    events.add(
        new JoinTokenIssued(
            cluster,
            minted.tokenId(),
            minted.secretSha256(),
            c.principal(),
            c.requestId(),
            now,
            expiresAt,
            c.singleUse()));
    return Effect()
        .persist(events)
        .thenRun(after -> closeSessionIfTokenGone(after, "join token revoked by rotation"))
        .thenReply(
            c.replyTo(),
            after -> new TokenIssued(cluster, minted, revoked, expiresAt, c.singleUse()));
  }

  private ReplyEffect<ClusterEvent, ClusterState> revoke(ClusterState s, RevokeTokens c) {
    Instant now = clock.instant();
    List<String> ids =
        c.tokenId().isEmpty()
            ? List.copyOf(s.tokens().keySet())
            : s.tokens().containsKey(c.tokenId()) ? List.of(c.tokenId()) : List.of();
    if (ids.isEmpty()) {
      return Effect().reply(c.replyTo(), new TokensRevoked(List.of()));
    }
    List<ClusterEvent> events = new ArrayList<>();
    ids.forEach(
        id -> events.add(new JoinTokenRevoked(cluster, id, c.principal(), c.requestId(), now)));
    return Effect()
        .persist(events)
        .thenRun(after -> closeSessionIfTokenGone(after, "join token revoked"))
        .thenReply(c.replyTo(), after -> new TokensRevoked(ids));
  }

  private ReplyEffect<ClusterEvent, ClusterState> connect(ClusterState s, Connect c) {
    // null: sent by a node of the previous release (rolling upgrade), which had no expiry
    if (c.expiresAt() != null && clock.instant().isAfter(c.expiresAt())) {
      return Effect()
          .reply(
              c.replyTo(),
              new ConnectReply(
                  Refusal.EXPIRED, "connect request expired before it was handled", s));
    }
    ClusterState.JoinToken token = s.tokens().get(c.tokenId());
    if (token == null || !TokenFormat.sameHash(token.secretSha256(), c.secretSha256())) {
      return Effect().reply(c.replyTo(), new ConnectReply(Refusal.BAD_TOKEN, badToken(s, c), s));
    }
    Instant now = clock.instant();
    if (token.expiredAt(now)) {
      // The presenter holds the secret, so it may learn which token and when.
      return Effect()
          .reply(
              c.replyTo(),
              new ConnectReply(
                  Refusal.BAD_TOKEN,
                  "join token "
                      + token.id()
                      + " expired at "
                      + token.expiresAt()
                      + "; mint a new one with 'trestle cluster token'",
                  s));
    }
    if (heldByAnotherAgent(s, c)) {
      String detail =
          "another agent (instance "
              + sessionAgent
              + ", session "
              + s.sessionId()
              + ") holds the cluster's live session; refused agent "
              + c.agentInstance()
              + " (version "
              + c.agentVersion()
              + "). Stop the extra agent, or start the new one with --takeover";
      return Effect()
          .persist(new ClusterEvent.SessionConflict(cluster, detail, now))
          .thenReply(c.replyTo(), after -> new ConnectReply(Refusal.SESSION_HELD, detail, after));
    }
    var events = new ArrayList<ClusterEvent>();
    ActorRef<SessionControl> replaced = null;
    if (s.connected()) {
      events.add(new EdgeDisconnected(cluster, s.sessionId(), "replaced by a newer session", now));
      replaced = sessionRef;
    }
    // A single-use token is consumed here and replaced by one for this agent alone, which the
    // session is bound to (revoking it disconnects the agent).
    TokenKind.Minted own = token.singleUse() ? JoinTokens.mint(cluster) : null;
    String sessionTokenId = c.tokenId();
    if (own != null) {
      String by = ClusterState.agentPrincipal(cluster);
      events.add(new JoinTokenRevoked(cluster, token.id(), by, c.sessionId(), now));
      events.add(
          new JoinTokenIssued(
              cluster, own.tokenId(), own.secretSha256(), by, c.sessionId(), now, null, false));
      sessionTokenId = own.tokenId();
    }
    events.add(
        new EdgeConnected(
            cluster, c.sessionId(), sessionTokenId, c.agentVersion(), c.lastAppliedVersion(), now));
    if (!c.inventory().equals(s.inventory())) {
      events.add(new InventoryChanged(cluster, c.inventory(), now));
      events.addAll(serviceHealthChanges(s.inventory(), c.inventory(), now));
    }
    if (s.health() != ClusterHealthState.HEALTHY) {
      events.add(
          new HealthChanged(
              cluster, s.health(), ClusterHealthState.HEALTHY, "edge connected", now));
    }
    ActorRef<SessionControl> old = replaced;
    String oldSession = s.sessionId();
    return Effect()
        .persist(events)
        .thenRun(
            after -> {
              if (old != null) {
                old.tell(
                    new SessionControl(
                        oldSession, CloseReason.REPLACED, "replaced by a newer session"));
              }
              sessionRef = c.session();
              sessionAgent = c.agentInstance();
              scheduleDeadline(now);
            })
        .thenReply(
            c.replyTo(),
            after -> new ConnectReply(Refusal.NONE, "", after, own == null ? "" : own.text()));
  }

  /**
   * Why a token is refused: a spent single-use token says so (its presenter holds the secret, so it
   * may learn when it was spent); any other is unknown or revoked.
   */
  private String badToken(ClusterState s, Connect c) {
    ClusterState.SpentToken spent = s.spentTokens().get(c.tokenId());
    if (spent == null || !TokenFormat.sameHash(spent.secretSha256(), c.secretSha256())) {
      return "unknown or revoked join token";
    }
    return "join token "
        + spent.id()
        + " was single-use and was spent at "
        + spent.spentAt()
        + " by the agent that joined with it (session "
        + spent.sessionId()
        + "), which now holds a token of its own; give this agent its own token:"
        + " 'trestle cluster token "
        + cluster
        + " --single-use'";
  }

  private ReplyEffect<ClusterEvent, ClusterState> heartbeats(
      ClusterState s, String sessionId, List<Beat> beats, ActorRef<Accepted> replyTo) {
    if (!sessionId.equals(s.sessionId()) || beats.isEmpty()) {
      return Effect().reply(replyTo, new Accepted(sessionId.equals(s.sessionId())));
    }
    Instant now = clock.instant();
    var events = new ArrayList<ClusterEvent>();
    // Each beat is compared with the one before it, so a change that came and went inside one
    // batch is journaled (and audited) just as if the beats had come one by one.
    InventorySnapshot inventory = s.inventory();
    List<StandingXdsRejection> rejections = s.xdsRejections();
    boolean healthy = s.health() == ClusterHealthState.HEALTHY;
    for (Beat beat : beats) {
      events.add(new HeartbeatReceived(cluster, sessionId, beat.sentAt(), now));
      if (!beat.inventory().equals(inventory)) {
        events.add(new InventoryChanged(cluster, beat.inventory(), now));
        events.addAll(serviceHealthChanges(inventory, beat.inventory(), now));
        inventory = beat.inventory();
      }
      if (!beat.xdsRejections().equals(rejections)) {
        events.add(new XdsRejectionsChanged(cluster, beat.xdsRejections(), now));
        rejections = beat.xdsRejections();
      }
      if (!healthy) {
        // after the first beat's inventory: the cluster is published with it, not a stale one
        events.add(
            new HealthChanged(
                cluster, s.health(), ClusterHealthState.HEALTHY, "heartbeat received", now));
        healthy = true;
      }
    }
    return Effect()
        .persist(events)
        .thenRun(after -> scheduleDeadline(now))
        .thenReply(replyTo, after -> new Accepted(true));
  }

  private ReplyEffect<ClusterEvent, ClusterState> ack(ClusterState s, Ack c) {
    if (!c.sessionId().equals(s.sessionId())) {
      return Effect().reply(c.replyTo(), new Accepted(false));
    }
    if (c.version() == s.appliedVersion() && c.setHash().equals(s.appliedHash())) {
      return Effect().reply(c.replyTo(), new Accepted(true));
    }
    return Effect()
        .persist(new VersionAcked(cluster, c.version(), c.setHash(), clock.instant()))
        .thenReply(c.replyTo(), after -> new Accepted(true));
  }

  private ReplyEffect<ClusterEvent, ClusterState> nack(ClusterState s, Nack c) {
    if (!c.sessionId().equals(s.sessionId())) {
      return Effect().reply(c.replyTo(), new Accepted(false));
    }
    if (c.version() == s.failedVersion() && c.reason().equals(s.failedReason())) {
      return Effect().reply(c.replyTo(), new Accepted(true));
    }
    return Effect()
        .persist(
            new VersionNacked(
                cluster, c.version(), c.reason(), c.failures(), c.keptVersion(), clock.instant()))
        .thenReply(c.replyTo(), after -> new Accepted(true));
  }

  private ReplyEffect<ClusterEvent, ClusterState> disconnect(ClusterState s, Disconnect c) {
    if (!c.sessionId().equals(s.sessionId())) {
      return Effect().reply(c.replyTo(), new Accepted(false));
    }
    return Effect()
        .persist(new EdgeDisconnected(cluster, c.sessionId(), c.reason(), clock.instant()))
        .thenRun(
            after -> {
              sessionRef = null;
              sessionAgent = "";
            })
        .thenReply(c.replyTo(), after -> new Accepted(true));
  }

  private ReplyEffect<ClusterEvent, ClusterState> setServiceFailing(
      ClusterState s, SetServiceFailing c) {
    if (s.failingServices().contains(c.service()) == c.failing()) {
      return Effect().reply(c.replyTo(), new Accepted(true));
    }
    return Effect()
        .persist(
            new ClusterEvent.ServiceFailingChanged(
                cluster,
                c.service(),
                c.failing(),
                c.errorRatio(),
                c.requests(),
                c.reason(),
                clock.instant()))
        .thenReply(c.replyTo(), after -> new Accepted(true));
  }

  private ReplyEffect<ClusterEvent, ClusterState> deadline(ClusterState s, HeartbeatDeadline c) {
    if (s.health() != ClusterHealthState.HEALTHY || s.lastHeartbeat() == null) {
      return Effect().noReply();
    }
    Instant now = clock.instant();
    Instant since = silentSince(s);
    Duration silent = Duration.between(since, now);
    if (silent.compareTo(settings.unhealthyAfter()) < 0) {
      scheduleDeadline(since);
      return Effect().noReply();
    }
    String reason =
        "no heartbeat for "
            + silent.toMillis()
            + " ms (limit "
            + settings.unhealthyAfter().toMillis()
            + " ms = "
            + settings.unhealthyAfterMissed()
            + " x "
            + settings.heartbeatInterval().toMillis()
            + " ms)";
    return Effect()
        .persist(new HealthChanged(cluster, s.health(), ClusterHealthState.UNHEALTHY, reason, now))
        .thenNoReply();
  }

  /**
   * Services present in both reports whose healthy endpoints crossed zero (to zero, or from zero
   * back up). A service that appears or disappears is not such a transition.
   */
  private List<ClusterEvent> serviceHealthChanges(
      InventorySnapshot before, InventorySnapshot after, Instant now) {
    var was = new java.util.HashMap<String, Integer>();
    before
        .toProto()
        .getServicesList()
        .forEach(x -> was.put(x.getNamespace() + "/" + x.getName(), x.getHealthyEndpoints()));
    var out = new ArrayList<ClusterEvent>();
    var sorted = new java.util.TreeMap<String, Integer>();
    after
        .toProto()
        .getServicesList()
        .forEach(x -> sorted.put(x.getNamespace() + "/" + x.getName(), x.getHealthyEndpoints()));
    sorted.forEach(
        (service, healthy) -> {
          Integer old = was.get(service);
          if (old != null && (old == 0) != (healthy == 0)) {
            out.add(new ClusterEvent.ServiceHealthChanged(cluster, service, old, healthy, now));
          }
        });
    return out;
  }

  private void scheduleDeadline(Instant lastHeartbeat) {
    Instant due =
        (lastHeartbeat == null ? clock.instant() : lastHeartbeat).plus(settings.unhealthyAfter());
    Duration delay = Duration.between(clock.instant(), due);
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    timers.startSingleTimer(HEALTH_TIMER, HeartbeatDeadline.INSTANCE, delay.plusMillis(1));
  }

  /**
   * A live session of another agent process: admitted by this incarnation of the entity (so its
   * stream was open when last heard of), healthy, and of a different, named agent instance. After a
   * central restart or a shard move the entity knows no live session, and the first agent to
   * connect holds the cluster.
   */
  private boolean heldByAnotherAgent(ClusterState s, Connect c) {
    return s.connected()
        && sessionRef != null
        && s.health() == ClusterHealthState.HEALTHY
        && !c.takeover()
        && !c.agentInstance().isEmpty()
        && !c.agentInstance().equals(sessionAgent);
  }

  private void closeSessionIfTokenGone(ClusterState after, String reason) {
    if (after.connected()
        && !after.tokens().containsKey(after.sessionTokenId())
        && sessionRef != null) {
      sessionRef.tell(new SessionControl(after.sessionId(), CloseReason.REVOKED, reason));
    }
  }
}
