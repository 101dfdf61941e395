package dev.trestle.api;

import dev.trestle.core.Problem;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldViolation;
import io.grpc.Status;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.util.ByteString;

/**
 * The one mapping from {@link Problem} to gRPC status, HTTP status and the machine-readable {@link
 * ErrorDetail} (gRPC trailer {@value #DETAIL_TRAILER}, REST body).
 */
public final class ErrorMapping {
  public static final String DETAIL_TRAILER = "trestle-error-bin";

  private ErrorMapping() {}

  public static Status.Code grpcCode(Problem.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case RATE_LIMITED -> Status.Code.RESOURCE_EXHAUSTED;
      case CONFLICT -> Status.Code.ABORTED;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case TOO_LARGE -> Status.Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  public static StatusCode httpStatus(Problem.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> StatusCodes.BAD_REQUEST;
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case UNAUTHENTICATED -> StatusCodes.UNAUTHORIZED;
      case PERMISSION_DENIED -> StatusCodes.FORBIDDEN;
      case RATE_LIMITED -> StatusCodes.TOO_MANY_REQUESTS;
      case CONFLICT, FAILED_PRECONDITION -> StatusCodes.CONFLICT;
      case TOO_LARGE -> StatusCodes.PAYLOAD_TOO_LARGE;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
      case INTERNAL -> StatusCodes.INTERNAL_SERVER_ERROR;
    };
  }

  public static ErrorDetail detail(Problem p) {
    var b =
        ErrorDetail.newBuilder()
            .setCode(p.code().name())
            .setMessage(p.message())
            .setFqn(p.fqn())
            .setCurrentVersion(p.currentVersion())
            .addAllChildren(p.children());
    p.violations()
        .forEach(
            v ->
                b.addFieldViolations(
                    FieldViolation.newBuilder()
                        .setField(v.field())
                        .setDescription(v.description())));
    return b.build();
  }

  public static GrpcServiceException grpcException(Problem p) {
    var metadata =
        new MetadataBuilder()
            .addBinary(DETAIL_TRAILER, ByteString.fromArray(detail(p).toByteArray()))
            .build();
    return new GrpcServiceException(
        Status.fromCode(grpcCode(p.code())).withDescription(p.message()), metadata);
  }
}
