package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.trestle.testing.TestCentral;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Garbage on the edge port (anyone who can reach it can send it): a clear status, one log line, no
 * stack trace per attempt.
 */
class EdgePortGarbageTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static TestCentral central;
  private static ManagedChannel edge;
  private static ActorSystem raw;
  private static final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.start();
    edge =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1",
                central.central().edgeAddress().getPort(),
                InsecureChannelCredentials.create())
            .build();
    raw = ActorSystem.create("raw-http2-client");
    logged.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
    edge.shutdownNow();
    raw.terminate();
    central.close();
  }

  /** The edge RPC with raw bytes in and out, so a test can send what no edge would. */
  private static final MethodDescriptor<byte[], byte[]> SYNC =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("trestle.v1.EdgeSync/Sync")
          .setRequestMarshaller(new Bytes())
          .setResponseMarshaller(new Bytes())
          .build();

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Status sendRaw(byte[] message) throws Exception {
    var closed = new CompletableFuture<Status>();
    ClientCall<byte[], byte[]> call = edge.newCall(SYNC, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(message);
    call.halfClose();
    return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static List<ILoggingEvent> linesAbout(String text) {
    synchronized (logged.list) {
      return logged.list.stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
    }
  }

  @Test
  void randomProtobufIsInvalidArgumentWithOneShortLogLine() throws Exception {
    var random = new Random(42);
    for (int i = 0; i < 5; i++) {
      byte[] garbage = new byte[64];
      random.nextBytes(garbage);
      garbage[0] = (byte) 0xff; // field 31, wire type 7: never valid
      Status status = sendRaw(garbage);
      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("malformed").contains("EdgeMessage");
    }
    assertThat(linesAbout("Unhandled error")).isEmpty();
    List<ILoggingEvent> lines = linesAbout("malformed");
    assertThat(lines).hasSize(1); // rate-limited: five attempts, one line
    assertThat(lines.get(0).getThrowableProxy()).isNull();
  }

  @Test
  void aFrameDeclaringTwoGigabytesIsResourceExhaustedAtOnce() throws Exception {
    // gRPC frame header: not compressed, length 0x7fffffff; then a few bytes, and the request ends
    ByteString frame =
        ByteString.fromArray(new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
    ContentType grpc = MediaTypes.applicationWithFixedCharset("grpc", null).toContentType();
    HttpRequest request =
        HttpRequest.POST(
                "http://127.0.0.1:"
                    + central.central().edgeAddress().getPort()
                    + "/trestle.v1.EdgeSync/Sync")
            .addHeader(RawHeader.create("te", "trailers"))
            .withEntity(HttpEntities.create(grpc, Source.single(frame)));
    HttpResponse response =
        Source.single(request)
            .via(
                Http.get(raw)
                    .connectionTo("127.0.0.1")
                    .toPort(central.central().edgeAddress().getPort())
                    .http2WithPriorKnowledge())
            .runWith(Sink.head(), raw)
            .toCompletableFuture()
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    String status = grpcStatus(response);
    assertThat(status).startsWith(Integer.toString(Status.Code.RESOURCE_EXHAUSTED.value()));
    assertThat(status).contains("2147483647");
    assertThat(linesAbout("Unhandled error")).isEmpty();
  }

  /** grpc-status and grpc-message from the headers (trailers-only) or the trailers. */
  private static String grpcStatus(HttpResponse response) throws Exception {
    String fromHeaders = statusIn(response.getHeaders());
    if (fromHeaders != null) {
      return fromHeaders;
    }
    HttpEntity entity = response.entity();
    var chunks =
        ((HttpEntity.Chunked) entity)
            .getChunks()
            .runWith(Sink.seq(), raw)
            .toCompletableFuture()
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (var chunk : chunks) {
      if (chunk.isLastChunk()) {
        String s = statusIn(chunk.getTrailerHeaders());
        if (s != null) {
          return s;
        }
      }
    }
    return "no grpc-status";
  }

  private static String statusIn(Iterable<HttpHeader> headers) {
    String code = null;
    String message = "";
    for (HttpHeader h : headers) {
      if (h.lowercaseName().equals("grpc-status")) {
        code = h.value();
      } else if (h.lowercaseName().equals("grpc-message")) {
        message = h.value();
      }
    }
    return code == null ? null : code + " " + message;
  }
}
