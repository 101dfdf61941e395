package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;

/**
 * The HTTP (non-gRPC) side of the API port: routes written with pekko-http's routing DSL, tried in
 * order, then {@link RestApi} for everything they do not match. Register a new route here.
 */
public final class ApiRoutes {
  private ApiRoutes() {}

  public static Function<HttpRequest, CompletionStage<HttpResponse>> handler(
      ClassicActorSystemProvider system,
      Function<HttpRequest, CompletionStage<HttpResponse>> rest,
      Route... routes) {
    List<Route> all = new ArrayList<>(List.of(routes));
    all.add(extractRequest(request -> completeWithFuture(call(rest, request))));
    Route first = all.remove(0);
    return concat(first, all.toArray(Route[]::new)).handler(system);
  }

  private static CompletionStage<HttpResponse> call(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, HttpRequest request) {
    try {
      return handler.apply(request);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
