package dev.trestle.edgesync;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
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
          HttpEntities.create(
              entity.getContentType(),
              entity
                  .getDataBytes()
                  .map(new GrpcFrameSizeCheck(EdgePortErrors.MAX_FRAME_BYTES)::inspect));
      return handler.apply(request.withEntity(checked));
    };
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
