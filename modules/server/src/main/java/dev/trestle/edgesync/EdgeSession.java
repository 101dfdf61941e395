package dev.trestle.edgesync;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.clusters.ClusterEvent.ObjectFailure;
import dev.trestle.clusters.ClusterSettings;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Welcome;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * One connected edge: the stream to it and what it has. It is admitted by its {@link ClusterEntity}
 * (which allows one session per cluster and closes a replaced one), then sends Welcome and whatever
 * the edge lacks: nothing when its version and hash match central's, a delta from its version when
 * that history is kept, else a full snapshot. It keeps at most one version in flight: the next
 * delta, collapsing everything that changed meanwhile, goes out when the edge has ACKed or NACKed
 * the previous one and the stream has demand. A NACKed version is not sent again; the next change
 * is sent as a delta from the version the edge kept.
 */
public final class EdgeSession extends AbstractBehavior<EdgeSession.Message> {

  public sealed interface Message {}

  /** A newer desired-state version of this session's cluster is committed. */
  public record DesiredChanged(long version) implements Message {}

  /** Re-read the cluster's current version: a notification may have been missed. */
  enum Recheck implements Message {
    INSTANCE
  }

  private record Rechecked(long version, Throwable failure) implements Message {}

  /** Central is stopping: end the stream now so the edge reconnects elsewhere or later. */
  enum CentralStopping implements Message {
    INSTANCE
  }

  private record FromEdge(EdgeMessage message) implements Message {}

  /** The cluster entity answered the heartbeat batch in flight, or the ask failed. */
  private enum BeatsJournaled implements Message {
    INSTANCE
  }

  private record EdgeDone(Throwable failure) implements Message {}

  private enum StreamReady implements Message {
    INSTANCE
  }

  private record AdmissionTurn(Throwable failure) implements Message {}

  private record Admitted(ClusterEntity.ConnectReply reply, Throwable failure) implements Message {}

  private record CurrentLoaded(DesiredStateSource.Current current, Throwable failure)
      implements Message {}

  private record Loaded(CentralMessage message, long version, Throwable failure)
      implements Message {}

  private record Control(ClusterEntity.SessionControl control) implements Message {}

  private record OutTerminated() implements Message {}

  /** What flows into the outgoing stream's actor source. */
  sealed interface Out {}

  record Send(CentralMessage message) implements Out {}

  record Close(Throwable failure) implements Out {}

  /** Everything a session needs, fixed for its lifetime. */
  public record Setup(
      String cluster,
      String sessionId,
      String tokenId,
      String secretSha256,
      Hello hello,
      Source<EdgeMessage, NotUsed> fromEdge,
      CompletableFuture<Source<CentralMessage, NotUsed>> toEdge,
      EntityRef<ClusterEntity.Command> entity,
      DesiredStateSource desired,
      ClusterSettings settings,
      Duration askTimeout,
      EdgeMetrics metrics,
      EdgeSessions sessions,
      EdgeRefusals refusals,
      EdgeAdmissions admissions) {}

  private final Setup setup;
  // Null until admitted (openStreamToEdge).
  private ActorRef<Out> out;
  private final ArrayDeque<CentralMessage> queue = new ArrayDeque<>();
  // What the edge sent while its Connect was being decided (heartbeats, at most a few).
  private static final int MAX_BEFORE_ADMISSION = 64;
  private final ArrayDeque<FromEdge> beforeAdmission = new ArrayDeque<>();
  private boolean admitted;
  private boolean holdsAdmissionTurn;
  // The source takes its first element at once; after that each one is acknowledged.
  private boolean streamReady = true;
  private boolean loading;
  private boolean forceSnapshot;
  private long edgeVersion;
  private long inFlightVersion;
  private long refusedVersion;
  private long knownDesired;
  private final HeartbeatBatch beats;

  public static Behavior<Message> create(Setup setup) {
    return Behaviors.setup(ctx -> new EdgeSession(ctx, setup));
  }

  private EdgeSession(ActorContext<Message> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.beats =
        new HeartbeatBatch(
            setup.settings().maxPendingHeartbeats(), setup.settings().heartbeatsPerWrite());
    this.edgeVersion = setup.hello().getLastAppliedVersion();
    ctx.pipeToSelf(
        setup
            .admissions()
            .acquire()
            .orTimeout(setup.askTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (ok, failure) -> new AdmissionTurn(failure));
    // Read from the edge at once, not after admission: gRPC's request stream fails when it is not
    // subscribed within Pekko's subscription timeout (5 s), which a slow admission exceeded.
    setup
        .fromEdge()
        .map(FromEdge::new)
        .map(x -> (Message) x)
        .runWith(
            ActorSink.actorRef(ctx.getSelf(), new EdgeDone(null), EdgeDone::new), ctx.getSystem());
  }

  /** This node lets the session's Connect go ahead (EdgeAdmissions); the entity decides. */
  private Behavior<Message> onAdmissionTurn(AdmissionTurn m) {
    if (m.failure() != null) {
      String why =
          m.failure() instanceof EdgeAdmissions.Full full
              ? full.getMessage()
              : "no turn within " + setup.askTimeout().toSeconds() + " s";
      setup
          .toEdge()
          .completeExceptionally(
              new GrpcServiceException(
                  Status.UNAVAILABLE.withDescription(
                      "central is busy admitting other edges (" + why + "); retry with backoff")));
      return Behaviors.stopped();
    }
    holdsAdmissionTurn = true;
    ActorRef<ClusterEntity.SessionControl> control =
        getContext().messageAdapter(ClusterEntity.SessionControl.class, Control::new);
    getContext()
        .pipeToSelf(
            setup
                .entity()
                .ask(
                    (ActorRef<ClusterEntity.ConnectReply> replyTo) ->
                        new ClusterEntity.Connect(
                            setup.sessionId(),
                            setup.tokenId(),
                            setup.secretSha256(),
                            setup.hello().getAgentVersion(),
                            edgeVersion,
                            InventorySnapshot.of(setup.hello().getInventory()),
                            control,
                            java.time.Instant.now().plus(setup.askTimeout()),
                            replyTo),
                    setup.askTimeout()),
            Admitted::new);
    return this;
  }

  private void releaseAdmissionTurn() {
    if (holdsAdmissionTurn) {
      holdsAdmissionTurn = false;
      setup.admissions().release();
    }
  }

  /**
   * The outgoing stream is made only once the session is admitted, and handed to gRPC at once: a
   * pre-materialized source that waits for its subscriber longer than Pekko's subscription timeout
   * (5 s) cancels itself, so an admission slower than that (a restart, a connect storm) used to end
   * the stream right after the Welcome, and the edge had to connect again.
   */
  private Source<CentralMessage, NotUsed> openStreamToEdge() {
    Pair<ActorRef<Out>, Source<Out, NotUsed>> pair =
        ActorSource.<Out, Message>actorRefWithBackpressure(
                getContext().getSelf(),
                StreamReady.INSTANCE,
                o ->
                    o instanceof Close c && c.failure() == null
                        ? Optional.of(org.apache.pekko.stream.CompletionStrategy.draining())
                        : Optional.empty(),
                o ->
                    o instanceof Close c && c.failure() != null
                        ? Optional.of(c.failure())
                        : Optional.empty())
            .preMaterialize(getContext().getSystem());
    this.out = pair.first();
    getContext().watchWith(out, new OutTerminated());
    return pair.second().filter(o -> o instanceof Send).map(o -> ((Send) o).message());
  }

  @Override
  public Receive<Message> createReceive() {
    return newReceiveBuilder()
        .onMessage(AdmissionTurn.class, this::onAdmissionTurn)
        .onMessage(Admitted.class, this::onAdmitted)
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
              setup.metrics().desired(setup.cluster(), m.version(), true);
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
            EdgeDone.class,
            m ->
                end(
                    m.failure() == null
                        ? "edge closed the stream"
                        : "stream failed: " + m.failure().getMessage(),
                    null))
        .onMessage(
            Control.class,
            m -> {
              Status status =
                  m.control().reason().contains("revoked")
                      ? Status.UNAUTHENTICATED
                      : Status.ABORTED;
              return end(
                  m.control().reason(),
                  new GrpcServiceException(status.withDescription(m.control().reason())));
            })
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
              releaseAdmissionTurn();
              setup.sessions().unregister(setup.cluster(), setup.sessionId());
              if (admitted) {
                setup.metrics().disconnected(setup.cluster(), setup.sessionId());
              }
              return this;
            })
        .build();
  }

  private Behavior<Message> onAdmitted(Admitted m) {
    releaseAdmissionTurn();
    if (m.failure() != null) {
      setup
          .toEdge()
          .completeExceptionally(
              new GrpcServiceException(
                  Status.UNAVAILABLE.withDescription(
                      "cluster registry did not answer: " + m.failure().getMessage())));
      return Behaviors.stopped();
    }
    if (!m.reply().admitted()) {
      setup.metrics().refused();
      setup
          .refusals()
          .refused(
              setup.cluster(),
              dev.trestle.management.Problem.of(
                  dev.trestle.management.Problem.Code.UNAUTHENTICATED,
                  setup.cluster(),
                  "edge refused: " + m.reply().refusal() + " (token " + setup.tokenId() + ")"));
      setup
          .toEdge()
          .completeExceptionally(
              new GrpcServiceException(
                  Status.UNAUTHENTICATED.withDescription(m.reply().refusal())));
      return Behaviors.stopped();
    }
    admitted = true;
    setup.metrics().connected(setup.cluster(), setup.sessionId(), edgeVersion);
    setup.toEdge().complete(openStreamToEdge());
    getContext().pipeToSelf(setup.desired().current(setup.cluster()), CurrentLoaded::new);
    while (!beforeAdmission.isEmpty()) {
      Behavior<Message> next = onEdgeMessage(beforeAdmission.poll());
      if (next != this) {
        return next;
      }
    }
    return this;
  }

  private Behavior<Message> onCurrent(CurrentLoaded m) {
    if (m.failure() != null) {
      return end(
          "desired state unavailable: " + m.failure().getMessage(),
          new GrpcServiceException(
              Status.UNAVAILABLE.withDescription("desired state unavailable")));
    }
    var current = m.current();
    queue.add(
        CentralMessage.newBuilder()
            .setWelcome(
                Welcome.newBuilder()
                    .setCluster(setup.cluster())
                    .setHeartbeatInterval(
                        com.google.protobuf.Duration.newBuilder()
                            .setSeconds(setup.settings().heartbeatInterval().toSeconds())
                            .setNanos(setup.settings().heartbeatInterval().toNanosPart()))
                    .setUnhealthyAfterMissed(setup.settings().unhealthyAfterMissed())
                    .setDesiredVersion(current.version()))
            .build());
    knownDesired = current.version();
    setup.metrics().desired(setup.cluster(), current.version(), false);
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
    if (admitted && !loading && inFlightVersion == 0) {
      getContext()
          .pipeToSelf(
              setup.desired().current(setup.cluster()),
              (c, e) -> new Rechecked(e == null ? c.version() : 0, e));
    }
    return this;
  }

  /** Sends what can be sent now: queued control messages first, then at most one version. */
  private Behavior<Message> pump() {
    if (!admitted || !streamReady) {
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
    if (forceSnapshot || edgeVersion == 0) {
      getContext()
          .pipeToSelf(
              setup.desired().snapshot(cluster),
              (s, e) ->
                  new Loaded(
                      e == null ? CentralMessage.newBuilder().setSnapshot(s).build() : null,
                      e == null ? s.getVersion() : 0,
                      e));
    } else {
      long from = edgeVersion;
      getContext()
          .pipeToSelf(
              setup
                  .desired()
                  .delta(cluster, from)
                  .thenCompose(
                      d ->
                          d.isPresent()
                              ? java.util.concurrent.CompletableFuture.completedFuture(
                                  CentralMessage.newBuilder().setDelta(d.get()).build())
                              : setup
                                  .desired()
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
    setup.metrics().desired(setup.cluster(), m.version(), false);
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
      setup.metrics().snapshotSent();
    } else {
      setup.metrics().deltaSent();
    }
    queue.add(m.message());
    return pump();
  }

  private static boolean isEmpty(DesiredDelta d) {
    return d.getVersion() <= d.getFromVersion();
  }

  private Behavior<Message> onEdgeMessage(FromEdge m) {
    if (!admitted) {
      if (beforeAdmission.size() >= MAX_BEFORE_ADMISSION) {
        return end(
            "edge sent more than " + MAX_BEFORE_ADMISSION + " messages before it was admitted",
            new GrpcServiceException(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "too many messages before the session was admitted; wait for Welcome")));
      }
      beforeAdmission.add(m);
      return this;
    }
    EdgeMessage msg = m.message();
    String session = setup.sessionId();
    switch (msg.getMessageCase()) {
      case HEARTBEAT -> {
        if (!beats.add(msg.getHeartbeat())) {
          setup.metrics().heartbeatDropped();
        }
        return sendBeats();
      }
      case ACK -> {
        long v = msg.getAck().getVersion();
        if (v >= inFlightVersion) {
          inFlightVersion = 0;
        }
        edgeVersion = Math.max(edgeVersion, v);
        setup.metrics().acked(setup.cluster(), v);
        setup.entity().tell(new ClusterEntity.Ack(session, v, msg.getAck().getSetHash(), ignore()));
      }
      case NACK -> {
        var nack = msg.getNack();
        inFlightVersion = 0;
        refusedVersion = Math.max(refusedVersion, nack.getVersion());
        edgeVersion = nack.getKeptVersion();
        setup.metrics().kept(setup.cluster(), edgeVersion);
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
        setup
            .entity()
            .tell(
                new ClusterEntity.Nack(
                    session,
                    nack.getVersion(),
                    nack.getReason(),
                    failures,
                    nack.getKeptVersion(),
                    ignore()));
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

  /** Journals the waiting heartbeats as one batch unless a batch is still in flight. */
  private Behavior<Message> sendBeats() {
    var batch = beats.takeIfIdle();
    if (!batch.isEmpty()) {
      getContext()
          .ask(
              ClusterEntity.Accepted.class,
              setup.entity(),
              setup.askTimeout(),
              replyTo -> new ClusterEntity.Heartbeats(setup.sessionId(), batch, replyTo),
              (reply, failure) -> BeatsJournaled.INSTANCE);
    }
    return this;
  }

  private ActorRef<ClusterEntity.Accepted> ignore() {
    return getContext().getSystem().ignoreRef();
  }

  private Behavior<Message> end(String reason, Throwable failure) {
    if (admitted) {
      var waiting = beats.drain();
      if (!waiting.isEmpty()) {
        // journaled before the disconnect, as they would have been had they come one by one
        setup.entity().tell(new ClusterEntity.Heartbeats(setup.sessionId(), waiting, ignore()));
      }
      setup.entity().tell(new ClusterEntity.Disconnect(setup.sessionId(), reason, ignore()));
    }
    if (out != null) {
      out.tell(new Close(failure));
    } else {
      setup
          .toEdge()
          .completeExceptionally(
              failure != null
                  ? failure
                  : new GrpcServiceException(Status.UNAVAILABLE.withDescription(reason)));
    }
    return Behaviors.stopped();
  }
}
