package dev.trestle.api;

import dev.trestle.core.Problem;
import dev.trestle.protocol.v1.ErrorDetail;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The documented JSON error shape ({@code ErrorDetail}, docs/api.md "Errors") for answers that
 * pekko-http itself gives: malformed requests it refuses before routing ({@link
 * JsonParsingErrorHandler}), rejections no route took and the request timeout. The HTTP status is
 * pekko-http's; the code is the one {@link ErrorMapping} uses for that status.
 */
final class HttpErrors {
  private HttpErrors() {}

  static HttpResponse response(int status, String message) {
    StatusCode code = StatusCodes.get(status);
    return HttpResponse.create()
        .withStatus(code)
        .withEntity(
            ContentTypes.APPLICATION_JSON,
            RestReplies.protoJson(
                ErrorDetail.newBuilder().setCode(codeFor(status)).setMessage(oneLine(message))));
  }

  /** pekko-http's own (plain text) error response, re-written in the JSON error shape. */
  static HttpResponse toJson(HttpResponse plain) {
    if (plain.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return plain;
    }
    String text =
        plain.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().decodeString(StandardCharsets.UTF_8)
            : plain.status().reason();
    var json = response(plain.status().intValue(), text.isBlank() ? plain.status().reason() : text);
    return plain.withEntity(json.entity());
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400, 414, 501, 505 -> Problem.Code.INVALID_ARGUMENT.name();
      case 401 -> Problem.Code.UNAUTHENTICATED.name();
      case 403 -> Problem.Code.PERMISSION_DENIED.name();
      case 404 -> Problem.Code.NOT_FOUND.name();
      case 405 -> "METHOD_NOT_ALLOWED";
      case 413, 431 -> Problem.Code.TOO_LARGE.name();
      case 429 -> Problem.Code.RATE_LIMITED.name();
      case 408, 503, 504 -> Problem.Code.UNAVAILABLE.name();
      default -> status < 500 ? Problem.Code.INVALID_ARGUMENT.name() : Problem.Code.INTERNAL.name();
    };
  }

  private static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
