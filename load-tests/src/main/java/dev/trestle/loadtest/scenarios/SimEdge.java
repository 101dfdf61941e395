package dev.trestle.loadtest.scenarios;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.Ack;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.EdgeSyncGrpc;
import dev.trestle.protocol.v1.Heartbeat;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A simulated edge: one EdgeSync stream over real gRPC (as {@code EdgeTestClient} in the server's
 * tests), Hello with its join token and an inventory with namespace {@code bench}. It "applies" a
 * snapshot or a delta by taking its version and set hash and ACKs at once; it watches one resource
 * (FQN) and notes when a version of it first arrived and was ACKed.
 */
public final class SimEdge {
  private final String cluster;
  private final String token;
  private final String watchFqn;
  private volatile Inventory inventory;
  private final java.util.concurrent.atomic.AtomicLong desiredMessages =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong desiredBytes =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong serviceEntryObjects =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastDesiredNanos;
  private volatile ManagedChannel channel;
  private StreamObserver<EdgeMessage> toCentral;
  private volatile long appliedVersion;
  private volatile String appliedHash = "";
  private volatile long welcomeDesired = -1;
  private volatile long welcomeNanos;
  private volatile long watchVersion;
  private volatile long watchReceivedNanos;
  private volatile long watchAckedNanos;
  private volatile long lastMessageBytes;
  private volatile CompletableFuture<Status> closed = new CompletableFuture<>();
  private volatile Consumer<SimEdge> onChange = e -> {};
  private volatile Consumer<SimEdge> onClosed = e -> {};
  private volatile int sessions;

  public SimEdge(String cluster, String token, String watchFqn) {
    this(
        cluster,
        token,
        watchFqn,
        Inventory.newBuilder().addNamespaces(BenchFixture.NAMESPACE).build());
  }

  public SimEdge(String cluster, String token, String watchFqn, Inventory inventory) {
    this.cluster = cluster;
    this.token = token;
    this.watchFqn = watchFqn;
    this.inventory = inventory;
  }

  /** The inventory sent with the next Hello or heartbeat. */
  public void inventory(Inventory inventory) {
    this.inventory = inventory;
  }

  public void onChange(Consumer<SimEdge> listener) {
    this.onChange = listener;
  }

  public void onClosed(Consumer<SimEdge> listener) {
    this.onClosed = listener;
  }

  /** Opens a new stream (waiting for the channel to be ready) and sends Hello with what it has. */
  public synchronized void connect(ManagedChannel ch) {
    this.channel = ch;
    this.welcomeDesired = -1;
    this.closed = new CompletableFuture<>();
    this.sessions++;
    var done = closed;
    toCentral =
        EdgeSyncGrpc.newStub(ch)
            .withWaitForReady()
            .sync(
                new StreamObserver<>() {
                  @Override
                  public void onNext(CentralMessage m) {
                    received(m);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.complete(Status.fromThrowable(t));
                    onClosed.accept(SimEdge.this);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(Status.OK);
                    onClosed.accept(SimEdge.this);
                  }
                });
    toCentral.onNext(
        EdgeMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setCluster(cluster)
                    .setToken(token)
                    .setAgentVersion("bench")
                    .setLastAppliedVersion(appliedVersion)
                    .setLastAppliedHash(appliedHash)
                    .setInventory(inventory))
            .build());
  }

  private void received(CentralMessage m) {
    long now = System.nanoTime();
    lastMessageBytes = m.getSerializedSize();
    switch (m.getMessageCase()) {
      case WELCOME -> {
        welcomeNanos = now;
        welcomeDesired = m.getWelcome().getDesiredVersion();
      }
      case SNAPSHOT -> {
        counted(m, m.getSnapshot().getObjectsList(), now);
        watch(m.getSnapshot().getObjectsList(), now);
        apply(m.getSnapshot().getVersion(), m.getSnapshot().getSetHash());
      }
      case DELTA -> {
        counted(m, m.getDelta().getUpsertsList(), now);
        watch(m.getDelta().getUpsertsList(), now);
        apply(m.getDelta().getVersion(), m.getDelta().getSetHash());
      }
      default -> {}
    }
    onChange.accept(this);
  }

  private void counted(CentralMessage m, List<DesiredObject> objects, long now) {
    desiredMessages.incrementAndGet();
    desiredBytes.addAndGet(m.getSerializedSize());
    lastDesiredNanos = now;
    for (DesiredObject o : objects) {
      if (o.getKey().getKind().equals("ServiceEntry")) {
        serviceEntryObjects.incrementAndGet();
      }
    }
  }

  private void watch(List<DesiredObject> objects, long now) {
    if (watchFqn == null) {
      return;
    }
    for (DesiredObject o : objects) {
      if (o.getSourceFqn().equals(watchFqn) && o.getSourceVersion() > watchVersion) {
        watchReceivedNanos = now;
        watchAckedNanos = 0;
        watchVersion = o.getSourceVersion();
      }
    }
  }

  private synchronized void apply(long version, String hash) {
    appliedVersion = version;
    appliedHash = hash;
    send(
        EdgeMessage.newBuilder()
            .setAck(Ack.newBuilder().setVersion(version).setSetHash(hash))
            .build());
    if (watchAckedNanos == 0) {
      watchAckedNanos = System.nanoTime();
    }
  }

  public synchronized void heartbeat() {
    long ms = System.currentTimeMillis();
    send(
        EdgeMessage.newBuilder()
            .setHeartbeat(
                Heartbeat.newBuilder()
                    .setSentAt(
                        Timestamp.newBuilder()
                            .setSeconds(ms / 1000)
                            .setNanos((int) (ms % 1000) * 1_000_000))
                    .setInventory(inventory))
            .build());
  }

  private void send(EdgeMessage m) {
    if (toCentral != null && !closed.isDone()) {
      try {
        toCentral.onNext(m);
      } catch (RuntimeException e) {
        // the call is already cancelled; onError follows
      }
    }
  }

  public synchronized void close() {
    if (toCentral != null && !closed.isDone()) {
      try {
        toCentral.onCompleted();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
  }

  public String cluster() {
    return cluster;
  }

  public ManagedChannel channel() {
    return channel;
  }

  public long appliedVersion() {
    return appliedVersion;
  }

  public long welcomeDesired() {
    return welcomeDesired;
  }

  public long welcomeNanos() {
    return welcomeNanos;
  }

  /** Welcomed on the current stream and holding central's version as of the Welcome (or newer). */
  public boolean inSync() {
    long w = welcomeDesired;
    return w >= 0 && appliedVersion >= w && !closed.isDone();
  }

  public long watchVersion() {
    return watchVersion;
  }

  public long watchReceivedNanos() {
    return watchReceivedNanos;
  }

  public long watchAckedNanos() {
    return watchAckedNanos;
  }

  /** Snapshots and deltas received since the edge was created (all streams). */
  public long desiredMessages() {
    return desiredMessages.get();
  }

  /** Serialized bytes of those snapshots and deltas (CentralMessage). */
  public long desiredBytes() {
    return desiredBytes.get();
  }

  /** ServiceEntry objects among the snapshots' objects and the deltas' upserts received. */
  public long serviceEntryObjects() {
    return serviceEntryObjects.get();
  }

  public long lastDesiredNanos() {
    return lastDesiredNanos;
  }

  public long lastMessageBytes() {
    return lastMessageBytes;
  }

  public CompletableFuture<Status> closed() {
    return closed;
  }

  public int sessions() {
    return sessions;
  }
}
