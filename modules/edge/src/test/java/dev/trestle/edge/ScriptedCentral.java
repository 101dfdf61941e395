package dev.trestle.edge;

import com.google.protobuf.Duration;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.EdgeSyncGrpc;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Welcome;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted central: a real grpc-java server on 127.0.0.1 (ephemeral port, or the same port again
 * after {@link #stop}) that records every stream and message and sends what the test says.
 */
final class ScriptedCentral implements AutoCloseable {
  final List<Stream> streams = new CopyOnWriteArrayList<>();

  /** Decides how a Hello is answered: a Status to refuse it, or null to send Welcome. */
  volatile Function<Hello, Status> refuse = h -> null;

  volatile long heartbeatMillis = 100;

  /** The agent's own token to hand out in the next Welcome (as after a single-use token). */
  volatile String sessionToken = "";

  private Server server;
  private int port;

  ScriptedCentral start() throws IOException {
    return start(0);
  }

  ScriptedCentral start(int onPort) throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort))
            .addService(new Service())
            .build()
            .start();
    port = server.getPort();
    return this;
  }

  int port() {
    return port;
  }

  void stop() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  Stream last() {
    return streams.get(streams.size() - 1);
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null && !server.isTerminated()) {
      stop();
    }
  }

  final class Stream {
    final List<EdgeMessage> received = new CopyOnWriteArrayList<>();
    final StreamObserver<CentralMessage> out;
    volatile Hello hello;
    volatile boolean ended;

    Stream(StreamObserver<CentralMessage> out) {
      this.out = out;
    }

    synchronized void send(CentralMessage m) {
      out.onNext(m);
    }

    List<EdgeMessage> of(EdgeMessage.MessageCase kind) {
      return received.stream().filter(m -> m.getMessageCase() == kind).toList();
    }
  }

  private final class Service extends EdgeSyncGrpc.EdgeSyncImplBase {
    @Override
    public StreamObserver<EdgeMessage> sync(StreamObserver<CentralMessage> responses) {
      var stream = new Stream(responses);
      streams.add(stream);
      return new StreamObserver<>() {
        @Override
        public void onNext(EdgeMessage m) {
          stream.received.add(m);
          if (m.hasHello()) {
            stream.hello = m.getHello();
            Status refused = refuse.apply(m.getHello());
            if (refused != null) {
              stream.ended = true;
              responses.onError(refused.asRuntimeException());
              return;
            }
            stream.send(
                CentralMessage.newBuilder()
                    .setWelcome(
                        Welcome.newBuilder()
                            .setCluster("organizations/acme/clusters/" + m.getHello().getCluster())
                            .setHeartbeatInterval(
                                Duration.newBuilder()
                                    .setSeconds(heartbeatMillis / 1000)
                                    .setNanos((int) (heartbeatMillis % 1000) * 1_000_000))
                            .setUnhealthyAfterMissed(3)
                            .setDesiredVersion(0)
                            .setSessionToken(sessionToken))
                    .build());
          }
        }

        @Override
        public void onError(Throwable t) {
          stream.ended = true;
        }

        @Override
        public void onCompleted() {
          stream.ended = true;
          responses.onCompleted();
        }
      };
    }
  }
}
