package dev.trestle.edgesync;

import com.google.protobuf.Duration;
import dev.trestle.clusters.ClusterEntity;
import dev.trestle.clusters.ClusterEvent.ObjectFailure;
import dev.trestle.edgesync.EdgeSession.CentralStopping;
import dev.trestle.edgesync.EdgeSession.Control;
import dev.trestle.edgesync.EdgeSession.DesiredChanged;
import dev.trestle.edgesync.EdgeSession.EdgeDone;
import dev.trestle.edgesync.EdgeSession.FromEdge;
import dev.trestle.edgesync.EdgeSession.Message;
import dev.trestle.edgesync.EdgeSession.Recheck;
import dev.trestle.edgesync.EdgeSession.Setup;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Welcome;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.CompletionStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * The streaming and closing phases of an admitted {@link EdgeSession}. Streaming sends Welcome and
 * whatever the edge lacks: nothing when its version and hash match central's, a delta from its
 * version when that history is kept, else a full snapshot. It keeps at most one version in flight:
 * the next delta, collapsing everything that changed meanwhile, goes out when the edge has ACKed or
 * NACKed the previous one and the stream has demand. A NACKed version is not sent again; the next
 * change is sent as a delta from the version the edge kept. Closing ends the stream, then waits
 * until the entity has the session's last heartbeats and its Disconnect ({@link EntityReports}).
 *
 * <p>Why this file is above 400 lines: it is one actor, and its handlers (load current, pump,
 * loaded, edge message, beats, end) all move the same per-stream state (the version in flight, the
 * send queue and the stream's demand) through one protocol; split across classes that state would
 * be shared and mutable. The parts with a seam of their own are already out: admitting ({@link
 * EdgeSession}), heartbeat batching ({@link HeartbeatBatch}), asks to the entity ({@link
 * EntityReports}), what to send ({@link DesiredStateSource}).
 */
final class EdgeStream extends AbstractBehavior<Message> {

  private enum StreamReady implements Message {
    INSTANCE
  }

  private record Rechecked(long version, Throwable failure) implements Message {}

  /** The cluster entity answered the heartbeat batch in flight, or the ask failed. */
  private enum BeatsJournaled implements Message {
    INSTANCE
  }

  private record CurrentLoaded(DesiredStateSource.Current current, Throwable failure)
      implements Message {}

  private record Loaded(CentralMessage message, long version, Throwable failure)
      implements Message {}

  private record OutTerminated() implements Message {}

  /** What flows into the outgoing stream's actor source. */
  sealed interface Out {}

  record Send(CentralMessage message) implements Out {}

  record Close(Throwable failure) implements Out {}

  private final Setup setup;
  private final SessionServices services;
  private final ActorRef<Out> out;
  private final ArrayDeque<CentralMessage> queue = new ArrayDeque<>();
  private final HeartbeatBatch beats;
  private final EntityReports reports;
  // The source takes its first element at once; after that each one is acknowledged.
  private boolean streamReady = true;
  private boolean loading;
  private boolean forceSnapshot;
  private long edgeVersion;
  private long inFlightVersion;
  private long refusedVersion;
  private long knownDesired;

  /** Admitted: hands the stream to gRPC, reads the current version, replays what the edge sent. */
  static Behavior<Message> start(
      ActorContext<Message> ctx, Setup setup, ArrayDeque<FromEdge> beforeAdmission) {
    var stream = new EdgeStream(ctx, setup);
    Behavior<Message> next = stream;
    while (next == stream && !beforeAdmission.isEmpty()) {
      next = stream.onEdgeMessage(beforeAdmission.poll());
    }
    return next;
  }

  private EdgeStream(ActorContext<Message> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.services = setup.services();
    this.beats =
        new HeartbeatBatch(
            services.settings().maxPendingHeartbeats(), services.settings().heartbeatsPerWrite());
    this.reports = new EntityReports(ctx, setup.entity(), services);
    this.edgeVersion = setup.hello().getLastAppliedVersion();
    services.metrics().connected(setup.cluster(), setup.sessionId(), edgeVersion);
    this.out = openStreamToEdge();
    ctx.pipeToSelf(services.desired().current(setup.cluster()), CurrentLoaded::new);
  }

  /**
   * The outgoing stream is made only once the session is admitted, and handed to gRPC at once: a
   * pre-materialized source that waits for its subscriber longer than Pekko's subscription timeout
   * (5 s) cancels itself, so an admission slower than that (a restart, a connect storm) used to end
   * the stream right after the Welcome, and the edge had to connect again.
   */
  private ActorRef<Out> openStreamToEdge() {
    Pair<ActorRef<Out>, Source<Out, NotUsed>> pair =
        ActorSource.<Out, Message>actorRefWithBackpressure(
                getContext().getSelf(),
                StreamReady.INSTANCE,
                o ->
                    o instanceof Close c && c.failure() == null
                        ? Optional.of(CompletionStrategy.draining())
                        : Optional.empty(),
                o ->
                    o instanceof Close c && c.failure() != null
                        ? Optional.of(c.failure())
                        : Optional.empty())
            .preMaterialize(getContext().getSystem());
    getContext().watchWith(pair.first(), new OutTerminated());
    setup
        .toEdge()
        .complete(pair.second().filter(o -> o instanceof Send).map(o -> ((Send) o).message()));
    return pair.first();
  }

  /** The gRPC status an edge sees when the entity ends its session. */
  static Status statusOf(ClusterEntity.SessionControl control) {
    return switch (control.reason()) {
      case REVOKED -> Status.UNAUTHENTICATED;
      case REPLACED -> Status.ABORTED;
    };
  }

  @Override
  public Receive<Message> createReceive() {
    return newReceiveBuilder()
        .onMessage(CurrentLoaded.class, this::onCurrent)
        .onMessage(
            StreamReady.class,
            m -> {
              streamReady = true;
              return pump();
            })
        .onMessage(
            DesiredChanged.class,
            m -> {
              knownDesired = Math.max(knownDesired, m.version());
              services.metrics().desired(setup.cluster(), m.version(), true);
              return pump();
            })
        .onMessage(Recheck.class, m -> recheck())
        .onMessage(
            Rechecked.class,
            m -> {
              if (m.failure() == null) {
                knownDesired = Math.max(knownDesired, m.version());
              }
              return pump();
            })
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(FromEdge.class, this::onEdgeMessage)
        .onMessage(
            BeatsJournaled.class,
            m -> {
              beats.done();
              return sendBeats();
            })
        .onMessage(
            EntityReports.Answered.class,
            m -> {
              reports.answered(m);
              return this;
            })
        .onMessage(
            EdgeDone.class,
            m ->
                end(
                    m.failure() == null
                        ? "edge closed the stream"
                        : "stream failed: " + m.failure().getMessage(),
                    // malformed input gets its status; any other failure ends the stream quietly
                    m.failure() == null ? null : EdgePortErrors.asGrpc(m.failure())))
        .onMessage(
            Control.class,
            m ->
                end(
                    m.control().detail(),
                    new GrpcServiceException(
                        statusOf(m.control()).withDescription(m.control().detail()))))
        .onMessage(OutTerminated.class, m -> end("stream to the edge ended", null))
        .onMessage(
            CentralStopping.class,
            m ->
                end(
                    "central is stopping",
                    new GrpcServiceException(
                        Status.UNAVAILABLE.withDescription("central is stopping"))))
        .onSignal(
            PostStop.class,
            s -> {
              // stopped without closing (the actor system is terminating)
              unregister();
              return this;
            })
        .build();
  }

  private void unregister() {
    services.sessions().unregister(setup.cluster(), setup.sessionId());
    services.metrics().disconnected(setup.cluster(), setup.sessionId());
  }

  private Behavior<Message> onCurrent(CurrentLoaded m) {
    if (m.failure() != null) {
      return end(
          "desired state unavailable: " + m.failure().getMessage(),
          new GrpcServiceException(
              Status.UNAVAILABLE.withDescription("desired state unavailable")));
    }
    var current = m.current();
    var interval = services.settings().heartbeatInterval();
    queue.add(
        CentralMessage.newBuilder()
            .setWelcome(
                Welcome.newBuilder()
                    .setCluster(setup.cluster())
                    .setHeartbeatInterval(
                        Duration.newBuilder()
                            .setSeconds(interval.toSeconds())
                            .setNanos(interval.toNanosPart()))
                    .setUnhealthyAfterMissed(services.settings().unhealthyAfterMissed())
                    .setDesiredVersion(current.version()))
            .build());
    knownDesired = current.version();
    services.metrics().desired(setup.cluster(), current.version(), false);
    Hello hello = setup.hello();
    boolean sameVersion = hello.getLastAppliedVersion() == current.version();
    if (hello.getLastAppliedVersion() > current.version()
        || (sameVersion
            && hello.getLastAppliedVersion() > 0
            && !hello.getLastAppliedHash().equals(current.setHash()))) {
      // The edge holds a state central never produced at that number (e.g. central's data
      // was restored from an older backup): only a snapshot is safe.
      forceSnapshot = true;
    }
    return pump();
  }

  /** Only when idle; skipped while a load or a version is in flight (the next tick catches up). */
  private Behavior<Message> recheck() {
    if (!loading && inFlightVersion == 0) {
      getContext()
          .pipeToSelf(
              services.desired().current(setup.cluster()),
              (c, e) -> new Rechecked(e == null ? c.version() : 0, e));
    }
    return this;
  }

  /** Sends what can be sent now: queued control messages first, then at most one version. */
  private Behavior<Message> pump() {
    if (!streamReady) {
      return this;
    }
    if (!queue.isEmpty()) {
      streamReady = false;
      out.tell(new Send(queue.poll()));
      return this;
    }
    if (loading || inFlightVersion != 0) {
      return this;
    }
    boolean behind = knownDesired > edgeVersion && knownDesired > refusedVersion;
    if (!forceSnapshot && !behind) {
      return this;
    }
    loading = true;
    String cluster = setup.cluster();
    var desired = services.desired();
    if (forceSnapshot || edgeVersion == 0) {
      getContext()
          .pipeToSelf(
              desired.snapshot(cluster),
              (s, e) ->
                  new Loaded(
                      e == null ? CentralMessage.newBuilder().setSnapshot(s).build() : null,
                      e == null ? s.getVersion() : 0,
                      e));
    } else {
      getContext()
          .pipeToSelf(
              desired
                  .delta(cluster, edgeVersion)
                  .thenCompose(
                      d ->
                          d.isPresent()
                              ? CompletableFuture.completedFuture(
                                  CentralMessage.newBuilder().setDelta(d.get()).build())
                              : desired
                                  .snapshot(cluster)
                                  .thenApply(
                                      s -> CentralMessage.newBuilder().setSnapshot(s).build())),
              (msg, e) -> new Loaded(msg, e == null ? versionOf(msg) : 0, e));
    }
    return this;
  }

  private static long versionOf(CentralMessage msg) {
    return msg.hasDelta() ? msg.getDelta().getVersion() : msg.getSnapshot().getVersion();
  }

  private Behavior<Message> onLoaded(Loaded m) {
    loading = false;
    if (m.failure() != null) {
      return end(
          "desired state unavailable: " + m.failure().getMessage(),
          new GrpcServiceException(
              Status.UNAVAILABLE.withDescription("desired state unavailable")));
    }
    knownDesired = Math.max(knownDesired, m.version());
    services.metrics().desired(setup.cluster(), m.version(), false);
    boolean snapshot = m.message().hasSnapshot();
    if (!snapshot && isEmpty(m.message().getDelta())) {
      return pump();
    }
    if (snapshot && !forceSnapshot && m.version() <= edgeVersion) {
      return pump();
    }
    forceSnapshot = false;
    inFlightVersion = m.version();
    if (snapshot) {
      services.metrics().snapshotSent();
    } else {
      services.metrics().deltaSent();
    }
    queue.add(m.message());
    return pump();
  }

  private static boolean isEmpty(DesiredDelta d) {
    return d.getVersion() <= d.getFromVersion();
  }

  private Behavior<Message> onEdgeMessage(FromEdge m) {
    EdgeMessage msg = m.message();
    String session = setup.sessionId();
    switch (msg.getMessageCase()) {
      case HEARTBEAT -> {
        if (!beats.add(msg.getHeartbeat())) {
          services.metrics().heartbeatDropped();
        }
        services
            .metrics()
            .xdsRejections(setup.cluster(), msg.getHeartbeat().getXdsRejectionsCount());
        return sendBeats();
      }
      case ACK -> {
        long v = msg.getAck().getVersion();
        if (v >= inFlightVersion) {
          inFlightVersion = 0;
        }
        edgeVersion = Math.max(edgeVersion, v);
        services.metrics().acked(setup.cluster(), v);
        String hash = msg.getAck().getSetHash();
        reports.report(replyTo -> new ClusterEntity.Ack(session, v, hash, replyTo));
      }
      case NACK -> {
        var nack = msg.getNack();
        inFlightVersion = 0;
        refusedVersion = Math.max(refusedVersion, nack.getVersion());
        edgeVersion = nack.getKeptVersion();
        services.metrics().kept(setup.cluster(), edgeVersion);
        var failures =
            nack.getErrorsList().stream()
                .map(
                    e ->
                        new ObjectFailure(
                            e.getKey().getKind()
                                + " "
                                + e.getKey().getNamespace()
                                + "/"
                                + e.getKey().getName(),
                            e.getMessage()))
                .toList();
        reports.report(
            replyTo ->
                new ClusterEntity.Nack(
                    session,
                    nack.getVersion(),
                    nack.getReason(),
                    failures,
                    nack.getKeptVersion(),
                    replyTo));
      }
      case HELLO -> {
        return end(
            "second Hello on one stream",
            new GrpcServiceException(
                Status.INVALID_ARGUMENT.withDescription("Hello may only be the first message")));
      }
      default -> {
        return end(
            "empty message from the edge",
            new GrpcServiceException(Status.INVALID_ARGUMENT.withDescription("empty EdgeMessage")));
      }
    }
    return pump();
  }

  /**
   * Journals the waiting heartbeats as one batch unless a batch is still in flight. A batch whose
   * ask fails is not retried: the edge's next heartbeat, one interval later, carries the same
   * inventory and moves the deadline just as well.
   */
  private Behavior<Message> sendBeats() {
    var batch = beats.takeIfIdle();
    if (!batch.isEmpty()) {
      getContext()
          .ask(
              ClusterEntity.Accepted.class,
              setup.entity(),
              services.askTimeout(),
              replyTo -> new ClusterEntity.Heartbeats(setup.sessionId(), batch, replyTo),
              (reply, failure) -> BeatsJournaled.INSTANCE);
    }
    return this;
  }

  /** Ends the stream, then closes: the last heartbeats and the Disconnect reach the entity. */
  private Behavior<Message> end(String reason, Throwable failure) {
    out.tell(new Close(failure));
    unregister();
    var waiting = beats.drain();
    if (!waiting.isEmpty()) {
      // journaled before the disconnect, as they would have been had they come one by one
      reports.report(replyTo -> new ClusterEntity.Heartbeats(setup.sessionId(), waiting, replyTo));
    }
    reports.report(replyTo -> new ClusterEntity.Disconnect(setup.sessionId(), reason, replyTo));
    return Behaviors.receive(Message.class)
        .onMessage(
            EntityReports.Answered.class,
            m -> {
              reports.answered(m);
              return reports.idle() ? Behaviors.stopped() : Behaviors.same();
            })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }
}
