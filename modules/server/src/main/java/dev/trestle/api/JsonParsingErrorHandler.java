package dev.trestle.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests so malformed that pekko-http refuses them before any route sees them (a
 * malformed request line, too many or too large headers, HTTP/1.0 without {@code Host}, ...) in the
 * JSON error shape instead of plain text. Configured as {@code
 * pekko.http.server.parsing.error-handler} (trestle-http.conf); pekko-http creates it by its class
 * name. Only the summary is sent and logged: the detail may quote header values.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String summary = info.summary().isBlank() ? status.reason() : info.summary();
    log.info("refused a malformed HTTP request with {}: {}", status.intValue(), summary);
    return HttpErrors.response(status.intValue(), summary);
  }
}
