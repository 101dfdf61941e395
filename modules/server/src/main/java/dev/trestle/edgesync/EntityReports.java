package dev.trestle.edgesync;

import dev.trestle.clusters.ClusterEntity;
import java.util.ArrayDeque;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What a session reports to its cluster entity (ACK, NACK, its last heartbeats, Disconnect), asked
 * one at a time in order, each retried after a timeout up to {@link #ATTEMPTS} times. The entity
 * handles a repeated report as a no-op (same version and hash or reason; a Disconnect or stale
 * session id is answered without effect), so a retry after a lost reply changes nothing, and one at
 * a time keeps an older ACK's retry from landing after a newer one. A report still unanswered after
 * every attempt is dropped: the entity's node is unreachable for longer than the session should
 * wait, and the edge's next report (or next Connect) carries the same information.
 */
final class EntityReports {
  static final int ATTEMPTS = 3;
  private static final int MAX_WAITING = 64;

  /** The reply to the report in flight, or its timeout, for the session's mailbox. */
  record Answered(boolean ok) implements EdgeSession.Message {}

  private final ActorContext<EdgeSession.Message> ctx;
  private final EntityRef<ClusterEntity.Command> entity;
  private final SessionServices services;
  private final ArrayDeque<Function<ActorRef<ClusterEntity.Accepted>, ClusterEntity.Command>>
      waiting = new ArrayDeque<>();
  private boolean inFlight;
  private int attempt;

  EntityReports(
      ActorContext<EdgeSession.Message> ctx,
      EntityRef<ClusterEntity.Command> entity,
      SessionServices services) {
    this.ctx = ctx;
    this.entity = entity;
    this.services = services;
  }

  void report(Function<ActorRef<ClusterEntity.Accepted>, ClusterEntity.Command> command) {
    if (waiting.size() >= MAX_WAITING) {
      // an entity that answers nothing for minutes while the edge keeps reporting: keep the newest
      waiting.poll();
    }
    waiting.add(command);
    sendNext();
  }

  /** Call with every {@link Answered}. */
  void answered(Answered a) {
    inFlight = false;
    if (a.ok() || ++attempt >= ATTEMPTS) {
      waiting.poll();
      attempt = 0;
    }
    sendNext();
  }

  boolean idle() {
    return !inFlight && waiting.isEmpty();
  }

  private void sendNext() {
    if (inFlight || waiting.isEmpty()) {
      return;
    }
    inFlight = true;
    ctx.ask(
        ClusterEntity.Accepted.class,
        entity,
        services.askTimeout(),
        waiting.peek()::apply,
        (reply, failure) -> new Answered(failure == null));
  }
}
