package dev.trestle.edgesync;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.grpc.javadsl.GrpcExceptionHandler;
import org.apache.pekko.japi.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bad input on the edge port, which anyone who can reach it may send: random bytes where an
 * EdgeMessage should be, a truncated frame, a frame declaring gigabytes. Each is answered with a
 * status that says what was wrong (INVALID_ARGUMENT, RESOURCE_EXHAUSTED) and logged as one WARN
 * line without a stack trace, at most one line per kind every {@link #LOG_EVERY} (the line counts
 * the ones not logged), so nobody can flood central's log. A frame longer than {@link
 * #MAX_FRAME_BYTES} is refused from its 5-byte header, before its bytes are buffered ({@link
 * GrpcFrameSizeCheck}).
 */
public final class EdgePortErrors {
  private static final Logger LOG = LoggerFactory.getLogger(EdgePortErrors.class);

  /** The largest gRPC message an edge may send (grpc-java's default inbound limit). */
  public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

  static final Duration LOG_EVERY = Duration.ofSeconds(10);

  private static final RateLimitedLine MALFORMED = new RateLimitedLine(LOG, LOG_EVERY);
  private static final RateLimitedLine TOO_LARGE = new RateLimitedLine(LOG, LOG_EVERY);

  private EdgePortErrors() {}

  /** A gRPC frame header declared more than {@link #MAX_FRAME_BYTES}. */
  static final class FrameTooLarge extends RuntimeException {
    FrameTooLarge(long declared) {
      super(
          "gRPC frame of "
              + declared
              + " bytes is larger than the edge port's limit of "
              + MAX_FRAME_BYTES
              + " bytes");
    }
  }

  /** Maps what a stream on the edge port failed with to its status (pekko-grpc's eHandler). */
  public static Function<ActorSystem, Function<Throwable, Trailers>> mapper() {
    return system -> {
      var fallback = GrpcExceptionHandler.defaultMapper().apply(system);
      return failure -> {
        GrpcServiceException known = asGrpc(failure);
        return known != null ? new Trailers(known.getStatus()) : fallback.apply(failure);
      };
    };
  }

  /**
   * The status for bad input from an edge, logged (rate-limited); null when {@code failure} is not
   * bad input.
   */
  static GrpcServiceException asGrpc(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CompletionException || t instanceof ExecutionException) {
        continue;
      }
      if (t instanceof FrameTooLarge) {
        TOO_LARGE.warn("edge port: refused a stream: " + t.getMessage());
        return new GrpcServiceException(Status.RESOURCE_EXHAUSTED.withDescription(t.getMessage()));
      }
      if (t instanceof InvalidProtocolBufferException) {
        String why = "malformed EdgeMessage: " + t.getMessage();
        MALFORMED.warn("edge port: refused a stream: " + why);
        return new GrpcServiceException(Status.INVALID_ARGUMENT.withDescription(why));
      }
      if (t instanceof IllegalStateException
          && t.getMessage() != null
          && t.getMessage().startsWith("truncated data")) {
        String why = "malformed EdgeMessage: the stream ended inside a gRPC frame";
        MALFORMED.warn("edge port: refused a stream: " + why);
        return new GrpcServiceException(Status.INVALID_ARGUMENT.withDescription(why));
      }
    }
    return null;
  }
}
