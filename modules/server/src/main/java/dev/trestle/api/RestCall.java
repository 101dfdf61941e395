package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One authenticated REST request under {@code /api/v1}: who calls, its query parameters, and the
 * answer as JSON with one request-log line. Work is passed as a supplier so a parameter that cannot
 * be read (thrown while the work is set up) is answered like any other failure.
 */
public final class RestCall {
  private final Caller caller;
  private final HttpRequest request;
  private final ClassicActorSystemProvider system;
  private final String op;
  private final long start;

  RestCall(Caller caller, HttpRequest request, ClassicActorSystemProvider system, long start) {
    this.caller = caller;
    this.request = request;
    this.system = system;
    this.op = request.method().value() + " " + request.getUri().path();
    this.start = start;
  }

  Caller caller() {
    return caller;
  }

  HttpRequest request() {
    return request;
  }

  ClassicActorSystemProvider system() {
    return system;
  }

  String op() {
    return op;
  }

  long start() {
    return start;
  }

  /** A query parameter, or empty. */
  String param(String name) {
    return request.getUri().query().get(name).orElse("");
  }

  Optional<String> optionalParam(String name) {
    return request.getUri().query().get(name);
  }

  /** True when present without a value, empty, or {@code true}. */
  boolean flag(String name) {
    return optionalParam(name).map(v -> v.isEmpty() || v.equalsIgnoreCase("true")).orElse(false);
  }

  long longParam(String name) {
    Optional<String> v = optionalParam(name);
    try {
      return v.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      throw invalid(name + ": '" + v.get() + "' is not a number");
    }
  }

  int intParam(String name) {
    Optional<String> v = optionalParam(name);
    try {
      return v.map(Integer::parseInt).orElse(0);
    } catch (NumberFormatException e) {
      throw invalid(name + ": '" + v.get() + "' is not a number");
    }
  }

  static ProblemException invalid(String message) {
    return new ProblemException(Problem.of(Problem.Code.INVALID_ARGUMENT, "", message));
  }

  /** 200 with the JSON {@code work} yields, or the failure as the JSON error. */
  Route ok(Supplier<CompletionStage<String>> work) {
    return respond(() -> work.get().thenApply(this::okResponse));
  }

  /** The response {@code work} yields (logged as OK), or the failure as the JSON error. */
  Route respond(Supplier<CompletionStage<HttpResponse>> work) {
    CompletionStage<HttpResponse> out;
    try {
      out = work.get();
    } catch (RuntimeException e) {
      out = CompletableFuture.failedFuture(e);
    }
    return completeWithFuture(out.exceptionally(this::failure));
  }

  HttpResponse okResponse(String json) {
    logOk("");
    return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, json);
  }

  void logOk(String summary) {
    RequestLog.ok("rest", op, "", caller, start, summary);
  }

  /** The JSON error of a failed call; the request body is drained, never read. */
  HttpResponse failure(Throwable e) {
    request.discardEntityBytes(system);
    Problem p = Problem.of(e, "");
    RequestLog.failed("rest", op, "", caller, start, p);
    return RestReplies.error(p);
  }

  /** 405 with the JSON error shape; no {@code Allow} header. Runs only when the route is tried. */
  Route methodNotAllowed() {
    return extractRequest(
        ignored -> {
          request.discardEntityBytes(system);
          Problem p =
              Problem.of(
                  Problem.Code.INVALID_ARGUMENT,
                  "",
                  "method "
                      + request.method().value()
                      + " is not supported on "
                      + request.getUri().path()
                      + " (see docs/api.md)");
          RequestLog.failed("rest", op, "", caller, start, p);
          return complete(
              HttpResponse.create()
                  .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
                  .withEntity(
                      ContentTypes.APPLICATION_JSON,
                      RestReplies.protoJson(
                          ErrorMapping.detail(p).toBuilder().setCode("METHOD_NOT_ALLOWED"))));
        });
  }
}
