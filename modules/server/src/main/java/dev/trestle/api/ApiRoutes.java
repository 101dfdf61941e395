package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.reject;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;

/**
 * The HTTP (non-gRPC) side of the API port, written with pekko-http's routing DSL. In order: routes
 * that authenticate on their own or need no token (console files, OpenAPI, IAM, console additions);
 * then, under {@code /api/v1}, the caller is authenticated (401 before anything else) and the
 * {@link RestRouteGroup}s are tried in order, 405 for a method none takes; any other path is 404
 * once authenticated. Every answer, pekko-http's own rejections and errors included, is in the JSON
 * error shape of docs/api.md. Add a route group with one line where {@code Central} builds the
 * list.
 */
public final class ApiRoutes {
  private static final String PREFIX = "/api/v1";

  private static final RejectionHandler JSON_REJECTIONS =
      RejectionHandler.defaultHandler().mapRejectionResponse(HttpErrors::toJson);

  private static final ExceptionHandler JSON_EXCEPTIONS =
      ExceptionHandler.newBuilder().matchAny(e -> complete(RestReplies.error(e))).build();

  private ApiRoutes() {}

  public static Function<HttpRequest, CompletionStage<HttpResponse>> handler(
      ClassicActorSystemProvider system,
      CallContext callers,
      List<Route> ownAuthentication,
      List<RestRouteGroup> groups) {
    return route(system, callers, ownAuthentication, groups).handler(system);
  }

  static Route route(
      ClassicActorSystemProvider system,
      CallContext callers,
      List<Route> ownAuthentication,
      List<RestRouteGroup> groups) {
    List<Route> all = new ArrayList<>(ownAuthentication);
    all.add(
        apiV1(
            () ->
                extractUnmatchedPath(
                    rest ->
                        rest.isEmpty() || rest.startsWith("/")
                            ? authenticated(system, callers, call -> groups(call, groups))
                            : reject())));
    all.add(authenticated(system, callers, ApiRoutes::noRoute));
    return withRequestTimeoutResponse(
        request ->
            HttpErrors.response(
                503, "the server did not answer in time (pekko.http.server.request-timeout)"),
        () ->
            handleExceptions(
                JSON_EXCEPTIONS,
                () ->
                    handleRejections(
                        JSON_REJECTIONS,
                        () ->
                            concat(all.get(0), all.subList(1, all.size()).toArray(Route[]::new)))));
  }

  /** {@code inner} under {@code /api/v1}, for the routes that authenticate on their own. */
  public static Route apiV1(Supplier<Route> inner) {
    return pathPrefix(segment("api").slash("v1"), inner);
  }

  /**
   * Resolves the caller from the request's headers, then runs {@code inner}; an unauthenticated
   * caller gets the 401 JSON error and the body is drained, never read.
   */
  static Route authenticated(
      ClassicActorSystemProvider system, CallContext callers, RestRouteGroup inner) {
    return extractRequest(
        request -> {
          long start = System.nanoTime();
          return onComplete(
              () -> RestReplies.caller(callers, request),
              caller -> {
                if (caller.isSuccess()) {
                  return inner.route(new RestCall(caller.get(), request, system, start));
                }
                var anonymous =
                    CallContext.unauthenticated(
                        request.getHeader(CallContext.REQUEST_ID_HEADER).map(h -> h.value()));
                return complete(
                    new RestCall(anonymous, request, system, start).failure(caller.failed().get()));
              });
        });
  }

  private static Route groups(RestCall call, List<RestRouteGroup> groups) {
    List<Route> routes = new ArrayList<>();
    groups.forEach(g -> routes.add(g.route(call)));
    routes.add(call.methodNotAllowed());
    return concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  private static Route noRoute(RestCall call) {
    return extractRequest(
        request ->
            complete(
                call.failure(
                    new ProblemException(
                        Problem.of(
                            Problem.Code.NOT_FOUND,
                            "",
                            "no route "
                                + call.op()
                                + "; the REST API lives under "
                                + PREFIX
                                + " (see docs/api.md)")))));
  }
}
