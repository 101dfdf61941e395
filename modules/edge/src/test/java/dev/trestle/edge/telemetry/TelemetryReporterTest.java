package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.TelemetryIngestGrpc;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryReportAck;
import dev.trestle.protocol.v1.TelemetryWindow;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reporter against a real gRPC TelemetryIngest server on 127.0.0.1 that comes and goes. */
class TelemetryReporterTest {
  private static final String CLUSTER = "organizations/acme/clusters/c1";
  private static final String TOKEN = "join-token-c1";

  private final List<TelemetryReport> received = new CopyOnWriteArrayList<>();
  private final List<String> credentials = new CopyOnWriteArrayList<>();
  private final TelemetryStatus status = new TelemetryStatus(Clock.systemUTC());
  private int port;
  private Server server;
  private ManagedChannel channel;

  /** A small TelemetryIngest: refuses a wrong token, acks every window it gets. */
  private final class Ingest extends TelemetryIngestGrpc.TelemetryIngestImplBase {
    @Override
    public void report(TelemetryReport request, StreamObserver<TelemetryReportAck> response) {
      received.add(request);
      response.onNext(
          TelemetryReportAck.newBuilder().setAcceptedWindows(request.getWindowsCount()).build());
      response.onCompleted();
    }
  }

  private final ServerInterceptor auth =
      new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
          String cluster = headers.get(TelemetryReporter.CLUSTER);
          String authorization = headers.get(TelemetryReporter.AUTHORIZATION);
          credentials.add(cluster + " " + authorization);
          if (!CLUSTER.equals(cluster) || !("Bearer " + TOKEN).equals(authorization)) {
            call.close(Status.UNAUTHENTICATED.withDescription("bad credentials"), new Metadata());
            return new ServerCall.Listener<>() {};
          }
          return next.startCall(call, headers);
        }
      };

  @BeforeEach
  void freePortAndChannel() throws IOException {
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
  }

  private void startCentral() throws IOException {
    server =
        Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .addService(ServerInterceptors.intercept(new Ingest(), auth))
            .build()
            .start();
  }

  private void stopCentral() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    if (server != null) {
      stopCentral();
    }
  }

  private TelemetryReporter reporter(int maxBuffered) {
    return new TelemetryReporter(
        CLUSTER,
        "instance-1",
        () -> channel,
        () -> TOKEN,
        maxBuffered,
        Duration.ofSeconds(5),
        status);
  }

  private static TelemetryWindow window(long startSeconds) {
    return TelemetryWindow.newBuilder()
        .setStart(Timestamp.newBuilder().setSeconds(startSeconds))
        .setSeconds(30)
        .build();
  }

  @Test
  void sendsEachWindowWithTheClustersCredentials() throws IOException {
    startCentral();
    var reporter = reporter(20);

    reporter.offer(window(0), 0);
    reporter.flush();

    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getCluster()).isEqualTo(CLUSTER);
              assertThat(r.getAgentInstance()).isEqualTo("instance-1");
              assertThat(r.getWindowsList()).containsExactly(window(0));
            });
    assertThat(credentials).containsExactly(CLUSTER + " Bearer " + TOKEN);
    assertThat(status.windowsSent()).isEqualTo(1);
    assertThat(status.lastReport()).isNotNull();
    assertThat(reporter.buffered()).isZero();
  }

  @Test
  void buffersWhileCentralIsDownAndSendsOldestFirstWhenItIsBack() throws Exception {
    var reporter = reporter(20);
    for (int i = 0; i < 3; i++) {
      reporter.offer(window(30L * i), 0);
      reporter.flush();
    }
    assertThat(reporter.buffered()).isEqualTo(3);
    assertThat(status.lastReportError()).contains("UNAVAILABLE");
    assertThat(status.toJson().get("bufferedWindows").asInt()).isEqualTo(3);

    startCentral();
    reporter.offer(window(90), 0);
    flushUntilSent(reporter);

    assertThat(received)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getWindowsList())
                    .containsExactly(window(0), window(30), window(60), window(90)));
    assertThat(r0DroppedWindows()).isZero();
    assertThat(reporter.buffered()).isZero();
    assertThat(status.lastReportError()).isNull();
  }

  @Test
  void theBufferIsBoundedAndWhatItDropsIsCountedInTheNextReport() throws Exception {
    var reporter = reporter(2);
    for (int i = 0; i < 5; i++) {
      reporter.offer(window(30L * i), i == 4 ? 7 : 0);
      reporter.flush();
    }
    assertThat(reporter.buffered()).isEqualTo(2);
    assertThat(status.droppedWindows()).isEqualTo(3);

    startCentral();
    flushUntilSent(reporter);
    reporter.offer(window(150), 0);
    flushUntilSent(reporter);

    assertThat(received).hasSize(2);
    assertThat(received.get(0).getWindowsList()).containsExactly(window(90), window(120));
    assertThat(received.get(0).getDroppedWindows()).isEqualTo(3);
    assertThat(received.get(0).getDroppedSeries()).isEqualTo(7);
    // Counted once: the next report starts from zero again.
    assertThat(received.get(1).getWindowsList()).containsExactly(window(150));
    assertThat(received.get(1).getDroppedWindows()).isZero();
    assertThat(received.get(1).getDroppedSeries()).isZero();
  }

  @Test
  void aRefusedTokenKeepsTheWindowsAndSaysWhy() throws IOException {
    startCentral();
    var reporter =
        new TelemetryReporter(
            CLUSTER, "instance-1", () -> channel, () -> "wrong", 20, Duration.ofSeconds(5), status);
    reporter.offer(window(0), 0);
    reporter.flush();

    assertThat(received).isEmpty();
    assertThat(reporter.buffered()).isEqualTo(1);
    assertThat(status.lastReportError()).contains("UNAUTHENTICATED").doesNotContain("wrong");
  }

  /** The channel reconnects in the background after central is back: a window or two later. */
  private static void flushUntilSent(TelemetryReporter reporter) {
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              reporter.flush();
              return reporter.buffered() == 0;
            });
  }

  private long r0DroppedWindows() {
    return received.get(0).getDroppedWindows();
  }

  @Test
  void aLongOutageOfShortWindowsGoesInReportsCentralAccepts() throws Exception {
    TelemetryReporter reporter = reporter(1000);
    for (int i = 0; i < 500; i++) {
      reporter.offer(window(1_700_000_000L + 2L * i), 0);
    }
    startCentral();
    reporter.flush();
    assertThat(reporter.buffered()).isZero();
    assertThat(received).extracting(TelemetryReport::getWindowsCount).containsExactly(240, 240, 20);
  }
}
