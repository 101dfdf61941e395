package dev.trestle.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.ErrorDetail;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Answers of the REST routes added for the console ({@link IamRestRoutes}, {@link
 * ConsoleRestRoutes}): JSON bodies in the protobuf JSON mapping, and errors as {@code ErrorDetail}
 * with the HTTP status {@link ErrorMapping} gives, also for failures that come back from a gRPC
 * façade as a {@link GrpcServiceException} (its detail trailer is read back).
 */
final class RestReplies {
  private RestReplies() {}

  static HttpResponse json(String body) {
    return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  static HttpResponse proto(MessageOrBuilder message) {
    return json(protoJson(message));
  }

  static String protoJson(MessageOrBuilder message) {
    try {
      return tree(CanonicalJson.MAPPER.readTree(JsonFormat.printer().print(message)));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String tree(Object tree) {
    try {
      return CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse error(Problem p) {
    return error(ErrorMapping.detail(p));
  }

  static HttpResponse error(ErrorDetail detail) {
    Problem.Code code;
    try {
      code = Problem.Code.valueOf(detail.getCode());
    } catch (IllegalArgumentException e) {
      code = Problem.Code.INTERNAL;
    }
    var response =
        HttpResponse.create()
            .withStatus(ErrorMapping.httpStatus(code))
            .withEntity(ContentTypes.APPLICATION_JSON, protoJson(detail));
    // overload or a slow store: worth retrying soon
    return code == Problem.Code.UNAVAILABLE
        ? response.addHeader(
            RawHeader.create("Retry-After", String.valueOf(ParsePool.RETRY_AFTER_SECONDS)))
        : response;
  }

  /** The failure of a call, whichever layer raised it. */
  static HttpResponse error(Throwable e) {
    Throwable cause = e;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof GrpcServiceException grpc) {
      var trailer = grpc.getMetadata().getBinary(ErrorMapping.DETAIL_TRAILER);
      if (trailer.isPresent()) {
        try {
          return error(ErrorDetail.parseFrom(trailer.get().toArray()));
        } catch (InvalidProtocolBufferException unreadable) {
          // fall through to the generic mapping
        }
      }
    }
    return error(Problem.of(cause, ""));
  }

  /** Who is calling, from the request's headers (see {@link CallContext}). */
  static CompletionStage<Caller> caller(CallContext callers, HttpRequest request) {
    return callers.resolve(
        request.getHeader(CallContext.AUTHORIZATION_HEADER).map(h -> h.value()),
        request.getHeader(CallContext.USER_HEADER).map(h -> h.value()),
        request.getHeader(CallContext.REQUEST_ID_HEADER).map(h -> h.value()));
  }

  static Problem invalid(String field, String description) {
    return Problem.invalidField(field, description);
  }
}
