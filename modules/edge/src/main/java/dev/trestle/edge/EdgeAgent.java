package dev.trestle.edge;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.Ack;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.EdgeSyncGrpc;
import dev.trestle.protocol.v1.Heartbeat;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Nack;
import dev.trestle.protocol.v1.Welcome;
import dev.trestle.protocol.v1.XdsRejection;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge agent: keeps one {@code EdgeSync.Sync} stream to central open (reconnecting with
 * exponential backoff and full jitter, to the next of central's addresses when it has several),
 * says Hello with its last applied version and hash, heartbeats with the inventory at the interval
 * central's Welcome asks for, and applies every snapshot or delta (ACK) or refuses it whole (NACK,
 * previous state kept). The last good state is on disk and is put back in place at start, so the
 * cluster keeps running it with central down.
 *
 * <p>Threading: everything that touches the stream or the state runs on one thread ("edge-sync");
 * central's messages are requested one at a time, after the previous one was handled, so a slow
 * apply pushes back on central instead of queueing.
 *
 * <p>Why this file is above 400 lines: what is left here is one state machine, the stream's life
 * (connect, Hello, Welcome, heartbeats, apply and ACK/NACK, end, backoff, next address, refused by
 * another agent), whose steps all read and write the same loop-confined fields (the current
 * session, the backoff, the session claim, the address index). Split apart, those fields would be
 * shared mutable state between classes. What has a seam of its own is elsewhere: applying ({@link
 * DesiredStateApplier}), xDS serving ({@link EdgeXds}), the inventory ({@link InventorySource}),
 * the claim rule ({@link SessionClaim}), the status endpoint.
 */
public final class EdgeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);
  static final Duration MIN_HEARTBEAT = Duration.ofMillis(50);

  private final EdgeSettings settings;
  private final ApplyTarget target;
  private final InventorySource inventory;
  private final StateStore store;
  private final SessionCredential credential;
  private final EdgeStatus status;
  private final Backoff backoff;
  private final Clock clock;
  private final ScheduledExecutorService loop;
  private final CountDownLatch terminated = new CountDownLatch(1);
  // One channel per central address; `current` is the one the next stream opens on.
  private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
  private volatile int current;
  private DesiredStateApplier applier;
  private StatusServer statusServer;
  private Session session;
  private long sessions;
  private EdgeXds xds;
  private volatile boolean closing;
  private SessionClaim claim = new SessionClaim(false);

  public EdgeAgent(
      EdgeSettings settings,
      ApplyTarget target,
      InventorySource inventory,
      EdgeStatus status,
      Random random,
      Clock clock) {
    this.settings = settings;
    this.target = target;
    this.inventory = inventory;
    this.status = status;
    this.clock = clock;
    this.store = new StateStore(settings.stateDir(), settings.cluster(), clock);
    this.credential = new SessionCredential(settings.stateDir());
    this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff(), random);
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "edge-sync");
              t.setDaemon(true);
              return t;
            });
  }

  public EdgeStatus status() {
    return status;
  }

  /** The first connect replaces another agent's live session of the cluster (--takeover). */
  public void takeOverOnFirstConnect() {
    claim = new SessionClaim(true);
  }

  /** The channel to the central node the agent uses now (null before start), for telemetry. */
  public Channel centralChannel() {
    return channels.isEmpty() ? null : channels.get(current);
  }

  /** This agent process's id, as its Hello says it. */
  public String agentInstance() {
    return claim.instance();
  }

  /** The status endpoint's port, or -1 when it is off. */
  public int statusPort() {
    return statusServer == null ? -1 : statusServer.port();
  }

  /**
   * Loads the last good state, puts it back in place, opens the status endpoint and starts
   * connecting. Returns at once; the agent runs until {@link #close}.
   */
  public void start() throws IOException {
    AppliedState state = store.load();
    if (!state.isEmpty()) {
      try {
        target.restore(state);
        LOG.info(
            "restored version {} ({} objects) from {} to {}",
            state.version(),
            state.objects().size(),
            store.file(),
            target.describe());
      } catch (ApplyException e) {
        LOG.error(
            "could not restore version {} to {}: {}",
            state.version(),
            target.describe(),
            e.getMessage());
        status.error("restore failed: " + e.getMessage());
      }
    } else {
      LOG.info("no saved state in {}; waiting for central's first snapshot", settings.stateDir());
    }
    applier = new DesiredStateApplier(target, store, state);
    status.applied(state);
    if (settings.xdsPort().isPresent()) {
      xds = EdgeXds.start(settings, inventory, status, () -> applier.state(), loop, () -> closing);
    }
    if (settings.statusPort().isPresent()) {
      statusServer = new StatusServer(settings.statusPort().get(), status);
      Files.createDirectories(settings.stateDir());
      AtomicFiles.write(settings.stateDir().resolve("status.port"), statusServer.port() + "\n");
      LOG.info("status endpoint on http://127.0.0.1:{}/status", statusServer.port());
    }
    for (CentralAddress address : settings.centrals()) {
      channels.add(
          Grpc.newChannelBuilderForAddress(
                  address.host(), address.port(), settings.transport().credentials())
              .userAgent("trestle-edge/" + settings.agentVersion())
              .build());
    }
    LOG.info(
        "edge agent for cluster {} -> central {} ({}), applying to {}, inventory from {}",
        settings.cluster(),
        settings.central(),
        settings.transport(),
        target.describe(),
        inventory.describe());
    loop.execute(this::connect);
  }

  /** The xDS server's port, or -1 when it is off. */
  public int xdsPort() {
    return xds == null || xds.server() == null ? -1 : xds.server().port();
  }

  /** The xDS server, or null when it is off. */
  public XdsServer xds() {
    return xds == null ? null : xds.server();
  }

  /** Rebuilds the xDS snapshot if the applied state or the inventory changed (loop thread). */
  private void refreshXds() {
    if (xds != null) {
      xds.refresh();
    }
  }

  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Closes the stream and stops; the state on disk and the applied target stay as they are. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      loop.submit(
              () -> {
                if (session != null) {
                  session.end("agent shutting down");
                }
              })
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing the stream: {}", e.toString());
    }
    loop.shutdownNow();
    for (ManagedChannel channel : channels) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (statusServer != null) {
      statusServer.close();
    }
    if (xds != null) {
      xds.close();
    }
    target.close();
    status.connected(false);
    LOG.info(
        "edge agent stopped; keeping version {} in {}",
        applier == null ? 0 : applier.state().version(),
        settings.stateDir());
    terminated.countDown();
  }

  // ---- everything below runs on the loop thread ----

  private void connect() {
    if (closing) {
      return;
    }
    // The agent's own credential (after a single-use bootstrap token) wins over --token-file.
    SessionCredential.Presented presented;
    try {
      presented = credential.current(settings.tokenFile());
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage() + " (fix the file; the agent keeps retrying)";
      retryLater(msg, true, false);
      return;
    }
    String token = presented.token();
    var s = new Session(++sessions);
    s.ownCredential = presented.own();
    session = s;
    try {
      ManagedChannel channel = channels.get(current);
      // grpc-java's channel keeps its own reconnect backoff (up to 120 s) after central went away,
      // failing every call at once meanwhile; this agent's backoff (--max-backoff) decides instead.
      channel.resetConnectBackoff();
      EdgeSyncGrpc.newStub(channel).sync(s);
      AppliedState state = applier.state();
      s.send(
          EdgeMessage.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setCluster(settings.cluster())
                      .setToken(token)
                      .setAgentVersion(settings.agentVersion())
                      .setLastAppliedVersion(state.version())
                      .setLastAppliedHash(state.setHash())
                      .setInventory(inventory.current())
                      .setAgentInstance(claim.instance())
                      .setTakeover(claim.takeoverNow()))
              .build());
    } catch (RuntimeException e) {
      session = null;
      String why = "cannot open the stream to central " + address() + ": " + e.getMessage();
      moveOn();
      retryLater(why, false, false);
    }
  }

  private void retryLater(String why, boolean refused, boolean healthy) {
    if (closing) {
      return;
    }
    if (healthy) {
      backoff.reset();
    }
    Duration delay = backoff.next();
    String line = why + "; retrying in " + delay.toMillis() + " ms";
    if (refused) {
      LOG.error(line);
    } else {
      LOG.warn(line);
    }
    status.error(why);
    status.reconnecting();
    loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void handle(Session s, CentralMessage message) {
    if (s != session || s.ended) {
      return;
    }
    try {
      switch (message.getMessageCase()) {
        case WELCOME -> welcome(s, message.getWelcome());
        case SNAPSHOT -> outcome(s, "snapshot", applier.snapshot(message.getSnapshot()));
        case DELTA -> outcome(s, "delta", applier.delta(message.getDelta()));
        default ->
            LOG.warn("ignoring an unknown message from central ({})", message.getMessageCase());
      }
    } catch (RuntimeException e) {
      // A bug must not leave the stream stalled (no further request(1)): drop it and start over.
      LOG.error("failed to handle {} from central", message.getMessageCase(), e);
      s.end("edge failed: " + e);
      ended(s, null, "edge failed to handle " + message.getMessageCase() + ": " + e);
      return;
    }
    if (!s.ended) {
      s.requests.request(1);
    }
  }

  private void welcome(Session s, Welcome w) {
    s.welcomedAt = clock.instant();
    if (!w.getSessionToken().isEmpty()) {
      keepSessionCredential(w.getSessionToken());
    }
    Duration interval = EdgeSettings.DEFAULT_HEARTBEAT;
    if (w.hasHeartbeatInterval()
        && (w.getHeartbeatInterval().getSeconds() > 0 || w.getHeartbeatInterval().getNanos() > 0)) {
      interval =
          Duration.ofSeconds(
              w.getHeartbeatInterval().getSeconds(), w.getHeartbeatInterval().getNanos());
    }
    if (interval.compareTo(MIN_HEARTBEAT) < 0) {
      interval = MIN_HEARTBEAT;
    }
    status.connected(true);
    LOG.info(
        "connected to central {} as {} (desired version {}, applied {}, heartbeat every {} ms)",
        address(),
        w.getCluster().isEmpty() ? settings.cluster() : w.getCluster(),
        w.getDesiredVersion(),
        applier.state().version(),
        interval.toMillis());
    long millis = interval.toMillis();
    s.heartbeats =
        loop.scheduleAtFixedRate(() -> heartbeat(s), millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Central consumed a single-use bootstrap token and sent this agent its own join token: keep it
   * (0600) for every later connect. Losing it means a new bootstrap token is needed, so a failure
   * to write it is loud.
   */
  private void keepSessionCredential(String token) {
    try {
      credential.save(token);
      LOG.info(
          "the join token was single-use; central issued this agent its own credential, kept in {}"
              + " (mode 0600) and used from now on",
          credential.file());
    } catch (IOException e) {
      LOG.error(
          "cannot keep the credential central issued in {} ({}); after this session ends the"
              + " agent needs a new join token",
          credential.file(),
          e.getMessage());
      status.error("cannot write " + credential.file() + ": " + e.getMessage());
    }
  }

  private void heartbeat(Session s) {
    if (s != session || s.ended) {
      return;
    }
    Instant now = clock.instant();
    s.send(
        EdgeMessage.newBuilder()
            .setHeartbeat(
                Heartbeat.newBuilder()
                    .setSentAt(
                        Timestamp.newBuilder()
                            .setSeconds(now.getEpochSecond())
                            .setNanos(now.getNano()))
                    .setInventory(inventory.current())
                    .addAllXdsRejections(xdsRejections()))
            .build());
    status.heartbeat();
    refreshXds();
  }

  /** The xDS NACKs that still stand, for central's view of the cluster (at most 16). */
  private List<XdsRejection> xdsRejections() {
    return xds() == null
        ? List.of()
        : xds().standingNacks().stream().limit(16).map(XdsNacks.Nack::toProto).toList();
  }

  private void outcome(Session s, String what, Outcome outcome) {
    if (outcome instanceof Outcome.Applied a) {
      AppliedState state = a.state();
      status.applied(state);
      refreshXds();
      if (a.unchanged()) {
        LOG.info("{} version {} is what runs already; ACK", what, state.version());
      } else {
        LOG.info(
            "applied {} version {} to {}: {} object(s), {} written, {} removed; ACK",
            what,
            state.version(),
            target.describe(),
            state.objects().size(),
            a.written(),
            a.deleted());
      }
      s.send(
          EdgeMessage.newBuilder()
              .setAck(Ack.newBuilder().setVersion(state.version()).setSetHash(state.setHash()))
              .build());
    } else if (outcome instanceof Outcome.Rejected r) {
      Nack nack = r.nack();
      LOG.warn(
          "NACK {} version {}: {}; keeping version {}",
          what,
          nack.getVersion(),
          nack.getReason(),
          nack.getKeptVersion());
      status.nack(nack.getVersion(), nack.getReason());
      s.send(EdgeMessage.newBuilder().setNack(nack).build());
    } else if (outcome instanceof Outcome.OutOfSync o) {
      LOG.warn("not applying {}: {}; reconnecting so central sends a snapshot", what, o.why());
      s.end("out of sync: " + o.why());
      ended(s, null, "out of sync (" + o.why() + ")");
    }
  }

  private void ended(Session s, Status grpcStatus, String why) {
    if (s != session) {
      return;
    }
    s.ended = true;
    session = null;
    if (s.heartbeats != null) {
      s.heartbeats.cancel(false);
    }
    boolean wasConnected = status.isConnected();
    status.connected(false);
    if (closing) {
      return;
    }
    boolean healthy =
        s.welcomedAt != null
            && Duration.between(s.welcomedAt, clock.instant()).compareTo(settings.stableAfter())
                >= 0;
    if (SessionClaim.heldByAnother(grpcStatus)) {
      heldByAnother(grpcStatus);
      return;
    }
    boolean refused = false;
    String reason = why;
    if (grpcStatus != null) {
      String description =
          grpcStatus.getDescription() == null
              ? ""
              : ": " + DesiredStateApplier.oneLine(grpcStatus.getDescription());
      switch (grpcStatus.getCode()) {
        case UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND -> {
          refused = true;
          if (s.ownCredential && grpcStatus.getCode() == Status.Code.UNAUTHENTICATED) {
            // Revoked (or central's data was reset): the token file is the way back in.
            discardSessionCredential();
          }
          reason =
              "central "
                  + address()
                  + " refused cluster "
                  + settings.cluster()
                  + " ("
                  + grpcStatus.getCode()
                  + description
                  + "); check the cluster name and the token in "
                  + settings.tokenFile();
        }
        default ->
            reason =
                (wasConnected ? "disconnected from central " : "cannot reach central ")
                    + address()
                    + " ("
                    + grpcStatus.getCode()
                    + description
                    + ")";
      }
    }
    moveOn();
    retryLater(reason, refused, healthy);
  }

  private void discardSessionCredential() {
    try {
      credential.discard();
      LOG.warn(
          "central refused this agent's own credential in {}; deleted it, the next attempt uses"
              + " {}",
          credential.file(),
          settings.tokenFile());
    } catch (IOException e) {
      LOG.error("cannot delete the refused credential {}: {}", credential.file(), e.getMessage());
    }
  }

  /**
   * Another agent holds this cluster at central: retry only at the maximal backoff, never taking
   * over, and say so loudly on every attempt (docs/edges.md, "One agent per cluster").
   */
  private void heldByAnother(Status grpcStatus) {
    String why =
        "ANOTHER AGENT HOLDS CLUSTER "
            + settings.cluster()
            + " at central "
            + address()
            + " ("
            + grpcStatus.getCode()
            + (grpcStatus.getDescription() == null
                ? ""
                : ": " + DesiredStateApplier.oneLine(grpcStatus.getDescription()))
            + "); stop one of the two agents, or restart this one with --takeover";
    Duration delay = settings.maxBackoff();
    LOG.error("{}; this agent stands by and retries in {} ms", why, delay.toMillis());
    status.error(why);
    status.reconnecting();
    loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The central address the current (or next) stream uses. */
  private CentralAddress address() {
    return settings.centrals().get(current);
  }

  /**
   * After a stream ends or cannot open, the next attempt goes to the next central address (round
   * robin), after the usual backoff: a dead node costs one attempt, and any node serves the same
   * cluster and resumes it by delta from the version this agent reports in Hello.
   */
  private void moveOn() {
    if (settings.centrals().size() > 1) {
      current = (current + 1) % settings.centrals().size();
      LOG.info("next attempt goes to central {}", address());
    }
  }

  /** One Sync stream. */
  private final class Session implements ClientResponseObserver<EdgeMessage, CentralMessage> {
    final long id;
    ClientCallStreamObserver<EdgeMessage> requests;
    Instant welcomedAt;
    ScheduledFuture<?> heartbeats;
    boolean ended;
    // Connected with session.token (not --token-file).
    boolean ownCredential;

    Session(long id) {
      this.id = id;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<EdgeMessage> requestStream) {
      this.requests = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
    }

    void send(EdgeMessage m) {
      if (!ended) {
        requests.onNext(m);
      }
    }

    /** Ends the stream from this side (cancel); the caller handles what comes next. */
    void end(String why) {
      if (!ended) {
        ended = true;
        requests.cancel(why, null);
      }
    }

    @Override
    public void onNext(CentralMessage value) {
      runOnLoop(() -> handle(this, value));
    }

    @Override
    public void onError(Throwable t) {
      runOnLoop(() -> ended(this, Status.fromThrowable(t), "stream failed"));
    }

    @Override
    public void onCompleted() {
      runOnLoop(() -> ended(this, null, "central " + address() + " closed the stream"));
    }

    private void runOnLoop(Runnable r) {
      try {
        loop.execute(r);
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        // the agent is closing
      }
    }

    @Override
    public String toString() {
      return "session " + id;
    }
  }
}
