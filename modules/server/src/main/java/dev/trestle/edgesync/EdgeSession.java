package dev.trestle.edgesync;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.core.Problem;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.Hello;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * One connected edge, in three phases. <b>Admitting</b> (this class): wait for this node's
 * admission turn ({@link EdgeAdmissions}), then ask the {@link ClusterEntity}, which allows one
 * session per cluster (see {@link ClusterEntity.Connect}); what the edge sends meanwhile waits.
 * <b>Streaming</b> ({@link EdgeStream}): Welcome, then whatever the edge lacks, one version in
 * flight at a time. <b>Closing</b> ({@link EdgeStream}): the stream is ended and the session's last
 * reports reach the entity before the actor stops.
 */
public final class EdgeSession {
  private EdgeSession() {}

  /** Everything an edge session's actor receives. */
  public interface Message {}

  /** A newer desired-state version of this session's cluster is committed. */
  public record DesiredChanged(long version) implements Message {}

  /** Re-read the cluster's current version: a notification may have been missed. */
  enum Recheck implements Message {
    INSTANCE
  }

  /** Central is stopping: end the stream now so the edge reconnects elsewhere or later. */
  enum CentralStopping implements Message {
    INSTANCE
  }

  record FromEdge(EdgeMessage message) implements Message {}

  /** The edge's request stream completed ({@code failure} null) or failed. */
  record EdgeDone(Throwable failure) implements Message {}

  /** The cluster entity ends this session (replaced by a newer one, or its token revoked). */
  record Control(ClusterEntity.SessionControl control) implements Message {}

  private record AdmissionTurn(Throwable failure) implements Message {}

  private record Admitted(ClusterEntity.ConnectReply reply, Throwable failure) implements Message {}

  /** Everything one session needs, fixed for its lifetime. */
  public record Setup(
      String cluster,
      String sessionId,
      String tokenId,
      String secretSha256,
      Hello hello,
      Source<EdgeMessage, NotUsed> fromEdge,
      CompletableFuture<Source<CentralMessage, NotUsed>> toEdge,
      EntityRef<ClusterEntity.Command> entity,
      SessionServices services) {}

  // What the edge sent while its Connect was being decided (heartbeats, at most a few).
  private static final int MAX_BEFORE_ADMISSION = 64;

  public static Behavior<Message> create(Setup setup) {
    return Behaviors.setup(
        ctx -> {
          ctx.pipeToSelf(
              setup
                  .services()
                  .admissions()
                  .acquire()
                  .orTimeout(setup.services().askTimeout().toMillis(), TimeUnit.MILLISECONDS),
              (ok, failure) -> new AdmissionTurn(failure));
          // Read from the edge at once, not after admission: gRPC's request stream fails when it
          // is not subscribed within Pekko's subscription timeout (5 s), which a slow admission
          // exceeded.
          setup
              .fromEdge()
              .map(FromEdge::new)
              .map(x -> (Message) x)
              .runWith(
                  ActorSink.actorRef(ctx.getSelf(), new EdgeDone(null), EdgeDone::new),
                  ctx.getSystem());
          return new Admitting(ctx, setup).waitingForTurn();
        });
  }

  /** The admitting phase: no stream to the edge yet, nothing reported to the entity. */
  private static final class Admitting {
    private final ActorContext<Message> ctx;
    private final Setup setup;
    private final ArrayDeque<FromEdge> beforeAdmission = new ArrayDeque<>();

    Admitting(ActorContext<Message> ctx, Setup setup) {
      this.ctx = ctx;
      this.setup = setup;
    }

    /** Waiting in this node's admission line. */
    Behavior<Message> waitingForTurn() {
      return common(Behaviors.receive(Message.class))
          .onMessage(AdmissionTurn.class, this::onAdmissionTurn)
          .onSignal(PostStop.class, s -> stopped())
          .build();
    }

    /** Holding an admission turn while the cluster entity decides. */
    private Behavior<Message> askingEntity() {
      return common(Behaviors.receive(Message.class))
          .onMessage(Admitted.class, this::onAdmitted)
          .onSignal(
              PostStop.class,
              s -> {
                setup.services().admissions().release();
                return stopped();
              })
          .build();
    }

    private BehaviorBuilder<Message> common(BehaviorBuilder<Message> builder) {
      return builder
          .onMessage(FromEdge.class, this::hold)
          .onMessage(
              EdgeDone.class,
              m ->
                  refuse(
                      Status.UNAVAILABLE.withDescription(
                          m.failure() == null
                              ? "edge closed the stream"
                              : "stream failed: " + m.failure().getMessage())))
          .onMessage(
              Control.class,
              m -> refuse(EdgeStream.statusOf(m.control()).withDescription(m.control().detail())))
          .onMessage(
              CentralStopping.class,
              m -> refuse(Status.UNAVAILABLE.withDescription("central is stopping")))
          // desired-state news before admission: the current version is read once admitted
          .onMessage(DesiredChanged.class, m -> Behaviors.same())
          .onMessage(Recheck.class, m -> Behaviors.same());
    }

    private Behavior<Message> stopped() {
      setup.services().sessions().unregister(setup.cluster(), setup.sessionId());
      return Behaviors.same();
    }

    private Behavior<Message> hold(FromEdge m) {
      if (beforeAdmission.size() >= MAX_BEFORE_ADMISSION) {
        return refuse(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "too many messages before the session was admitted; wait for Welcome"));
      }
      beforeAdmission.add(m);
      return Behaviors.same();
    }

    private Behavior<Message> refuse(Status status) {
      setup.toEdge().completeExceptionally(new GrpcServiceException(status));
      return Behaviors.stopped();
    }

    /** This node lets the session's Connect go ahead (EdgeAdmissions); the entity decides. */
    private Behavior<Message> onAdmissionTurn(AdmissionTurn m) {
      var services = setup.services();
      if (m.failure() != null) {
        String why =
            m.failure() instanceof EdgeAdmissions.Full full
                ? full.getMessage()
                : "no turn within " + services.askTimeout().toSeconds() + " s";
        return refuse(
            Status.UNAVAILABLE.withDescription(
                "central is busy admitting other edges (" + why + "); retry with backoff"));
      }
      ActorRef<ClusterEntity.SessionControl> control =
          ctx.messageAdapter(ClusterEntity.SessionControl.class, Control::new);
      Hello hello = setup.hello();
      ctx.pipeToSelf(
          setup
              .entity()
              .ask(
                  (ActorRef<ClusterEntity.ConnectReply> replyTo) ->
                      new ClusterEntity.Connect(
                          setup.sessionId(),
                          setup.tokenId(),
                          setup.secretSha256(),
                          hello.getAgentVersion(),
                          hello.getLastAppliedVersion(),
                          InventorySnapshot.of(hello.getInventory()),
                          control,
                          Instant.now().plus(services.askTimeout()),
                          hello.getAgentInstance(),
                          hello.getTakeover(),
                          replyTo),
                  services.askTimeout()),
          Admitted::new);
      return askingEntity();
    }

    private Behavior<Message> onAdmitted(Admitted m) {
      var services = setup.services();
      // a refusal stops the actor, and askingEntity's PostStop gives the turn back
      if (m.failure() != null) {
        return refuse(
            Status.UNAVAILABLE.withDescription(
                "cluster registry did not answer: " + m.failure().getMessage()));
      }
      var reply = m.reply();
      if (reply.refusal() == ClusterEntity.Refusal.SESSION_HELD) {
        services.metrics().sessionConflict();
        services
            .refusals()
            .refused(
                setup.cluster(),
                Problem.of(
                    Problem.Code.FAILED_PRECONDITION,
                    setup.cluster(),
                    "edge refused: " + reply.detail()));
        return refuse(Status.FAILED_PRECONDITION.withDescription(reply.detail()));
      }
      if (!reply.admitted()) {
        services.metrics().refused();
        services
            .refusals()
            .refused(
                setup.cluster(),
                Problem.of(
                    Problem.Code.UNAUTHENTICATED,
                    setup.cluster(),
                    "edge refused: " + reply.detail() + " (token " + setup.tokenId() + ")"));
        return refuse(Status.UNAUTHENTICATED.withDescription(reply.detail()));
      }
      services.admissions().release();
      return EdgeStream.start(ctx, setup, beforeAdmission, reply.sessionToken());
    }
  }
}
