package dev.trestle.loadtest.scenarios;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The transport limit of propagation: a tiny grpc-java server in the bench process with one
 * bidirectional method; N client streams (same channel layout as the simulated edges). Per round
 * the server writes one message of the delta's size to every stream; each client answers with an
 * ACK-sized message. Measured: push start to each client's receipt, and to the server's receipt of
 * each answer.
 */
public final class EchoLimit {
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };
  static final MethodDescriptor<byte[], byte[]> METHOD =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("bench.Echo/Stream")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  public record Result(
      long[] receiptNanos, long[] ackNanos, int streams, int messageBytes, int rounds) {}

  private EchoLimit() {}

  public static Result run(int streams, int messageBytes, int ackBytes, int rounds)
      throws Exception {
    var serverStreams = new CopyOnWriteArrayList<StreamObserver<byte[]>>();
    long[] roundStart = new long[rounds];
    long[] receipts = new long[streams * rounds];
    long[] acks = new long[streams * rounds];
    var ackCount = new java.util.concurrent.atomic.AtomicInteger();
    var registered = new CountDownLatch(streams);
    var ackIndex = new java.util.concurrent.atomic.AtomicIntegerArray(rounds);
    var service =
        ServerServiceDefinition.builder("bench.Echo")
            .addMethod(
                METHOD,
                ServerCalls.asyncBidiStreamingCall(
                    response -> {
                      var first = new boolean[] {true};
                      return new StreamObserver<byte[]>() {
                        @Override
                        public void onNext(byte[] m) {
                          if (first[0]) {
                            first[0] = false;
                            serverStreams.add(response);
                            registered.countDown();
                            return;
                          }
                          int round = ByteBuffer.wrap(m).getInt();
                          long now = System.nanoTime();
                          acks[round * streams + ackIndex.getAndIncrement(round)] =
                              now - roundStart[round];
                          ackCount.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {
                          response.onCompleted();
                        }
                      };
                    }))
            .build();
    Server server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    List<ManagedChannel> channels = new ArrayList<>();
    var clientStreams = new ArrayList<StreamObserver<byte[]>>();
    try {
      int channelCount =
          Math.max(
              1, (streams + EdgeFleet.STREAMS_PER_CHANNEL - 1) / EdgeFleet.STREAMS_PER_CHANNEL);
      for (int c = 0; c < channelCount; c++) {
        channels.add(
            Grpc.newChannelBuilderForAddress(
                    "127.0.0.1", server.getPort(), InsecureChannelCredentials.create())
                .build());
      }
      var receiptIndex = new java.util.concurrent.atomic.AtomicIntegerArray(rounds);
      for (int i = 0; i < streams; i++) {
        var ch = channels.get(i % channelCount);
        var holder =
            new Object() {
              StreamObserver<byte[]> out;
            };
        holder.out =
            ClientCalls.asyncBidiStreamingCall(
                ch.newCall(METHOD, CallOptions.DEFAULT),
                new StreamObserver<>() {
                  @Override
                  public void onNext(byte[] m) {
                    long now = System.nanoTime();
                    int round = ByteBuffer.wrap(m).getInt();
                    receipts[round * streams + receiptIndex.getAndIncrement(round)] =
                        now - roundStart[round];
                    byte[] ack = new byte[Math.max(4, ackBytes)];
                    ByteBuffer.wrap(ack).putInt(round);
                    synchronized (holder) {
                      holder.out.onNext(ack);
                    }
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
        synchronized (holder) {
          holder.out.onNext(new byte[] {0});
        }
        clientStreams.add(holder.out);
      }
      if (!registered.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("echo: streams did not open");
      }
      for (int r = 0; r < rounds; r++) {
        byte[] msg = new byte[Math.max(4, messageBytes)];
        ByteBuffer.wrap(msg).putInt(r);
        int expected = (r + 1) * streams;
        roundStart[r] = System.nanoTime();
        for (var s : serverStreams) {
          s.onNext(msg);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ackCount.get() < expected && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        Thread.sleep(50);
      }
      return new Result(receipts, acks, streams, messageBytes, rounds);
    } finally {
      for (var s : clientStreams) {
        try {
          s.onCompleted();
        } catch (RuntimeException ignored) {
          // closed
        }
      }
      channels.forEach(ManagedChannel::shutdownNow);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
