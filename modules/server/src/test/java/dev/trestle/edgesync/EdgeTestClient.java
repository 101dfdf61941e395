package dev.trestle.edgesync;

import dev.trestle.protocol.v1.Ack;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.EdgeSyncGrpc;
import dev.trestle.protocol.v1.Heartbeat;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare edge stream over real gRPC: what central sends is queued; the test drives the rest. */
public final class EdgeTestClient implements AutoCloseable {
  public final BlockingQueue<CentralMessage> received = new LinkedBlockingQueue<>();
  public final CompletableFuture<Status> closed = new CompletableFuture<>();
  private final StreamObserver<EdgeMessage> toCentral;

  public EdgeTestClient(Channel channel, Hello hello) {
    toCentral =
        EdgeSyncGrpc.newStub(channel)
            .sync(
                new StreamObserver<>() {
                  @Override
                  public void onNext(CentralMessage value) {
                    received.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    closed.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    closed.complete(Status.OK);
                  }
                });
    toCentral.onNext(EdgeMessage.newBuilder().setHello(hello).build());
  }

  /** A plaintext channel to a port on loopback (the test central's API or edge port). */
  public static ManagedChannel loopback(int port) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
        .build();
  }

  public CentralMessage next(Duration timeout) throws InterruptedException {
    CentralMessage m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError(
          "nothing from central within "
              + timeout
              + (closed.isDone() ? "; stream closed: " + closed.join() : ""));
    }
    return m;
  }

  public void heartbeat(Inventory inventory) {
    toCentral.onNext(
        EdgeMessage.newBuilder()
            .setHeartbeat(
                Heartbeat.newBuilder()
                    .setInventory(inventory)
                    .setSentAt(
                        com.google.protobuf.Timestamp.newBuilder()
                            .setSeconds(System.currentTimeMillis() / 1000)))
            .build());
  }

  public void ack(long version, String setHash) {
    toCentral.onNext(
        EdgeMessage.newBuilder()
            .setAck(Ack.newBuilder().setVersion(version).setSetHash(setHash))
            .build());
  }

  public void send(EdgeMessage message) {
    toCentral.onNext(message);
  }

  @Override
  public void close() {
    try {
      toCentral.onCompleted();
    } catch (IllegalStateException ignored) {
      // already closed by central
    }
  }
}
