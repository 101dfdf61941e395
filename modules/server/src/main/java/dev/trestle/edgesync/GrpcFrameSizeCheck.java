package dev.trestle.edgesync;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.javadsl.Broadcast;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Follows the gRPC length-prefixed framing of one request body (1 byte compressed flag, 4 bytes
 * big-endian length, then the message) and fails the stream as soon as a header declares more than
 * the limit, instead of letting the frame decoder wait for and buffer that many bytes. The bytes
 * pass unchanged. One instance per request body.
 */
public final class GrpcFrameSizeCheck {
  private static final int HEADER = 5;
  private final long limit;
  private final byte[] header = new byte[HEADER];
  private int headerRead;
  private long payloadLeft;

  GrpcFrameSizeCheck(long limit) {
    this.limit = limit;
  }

  /** The edge port's handler, with every request's frames checked against the size limit. */
  public static Function<HttpRequest, CompletionStage<HttpResponse>> guarded(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    return request -> {
      var entity = request.entity();
      var checked =
          entity
              .getDataBytes()
              .map(new GrpcFrameSizeCheck(EdgePortErrors.MAX_FRAME_BYTES)::inspect);
      return handler.apply(
          request.withEntity(
              HttpEntities.create(entity.getContentType(), drainedAfterCancel(checked))));
    };
  }

  /**
   * The request body, read to its end (and discarded) when gRPC stops reading it early, e.g. on a
   * message it cannot decode. Cancelling the body of an HTTP/2 stream the client has not finished
   * makes the server reset the stream, and the reset could overtake the error's trailers: the
   * client then saw CANCELLED instead of INVALID_ARGUMENT about half the time. Draining costs
   * nothing kept: the bytes are dropped, and the frame check still bounds every frame.
   */
  private static Source<ByteString, NotUsed> drainedAfterCancel(Source<ByteString, ?> body) {
    return Source.fromGraph(
        GraphDSL.create(
            builder -> {
              var in = builder.add(body);
              var fan = builder.add(Broadcast.<ByteString>create(2, false));
              var drain = builder.add(Sink.<ByteString>ignore());
              builder.from(in).viaFanOut(fan);
              builder.from(fan.out(1)).to(drain);
              return SourceShape.of(fan.out(0));
            }));
  }

  ByteString inspect(ByteString chunk) {
    int i = 0;
    int n = chunk.length();
    while (i < n) {
      if (payloadLeft > 0) {
        long take = Math.min(payloadLeft, n - i);
        payloadLeft -= take;
        i += (int) take;
        continue;
      }
      header[headerRead++] = chunk.apply(i++);
      if (headerRead == HEADER) {
        headerRead = 0;
        long length =
            ((header[1] & 0xffL) << 24)
                | ((header[2] & 0xffL) << 16)
                | ((header[3] & 0xffL) << 8)
                | (header[4] & 0xffL);
        if (length > limit) {
          throw new EdgePortErrors.FrameTooLarge(length);
        }
        payloadLeft = length;
      }
    }
    return chunk;
  }
}
