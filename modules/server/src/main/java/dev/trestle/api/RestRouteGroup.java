package dev.trestle.api;

import org.apache.pekko.http.javadsl.server.Route;

/**
 * The REST routes of one concern under {@code /api/v1}, tried after the caller is authenticated;
 * {@link ApiRoutes} composes them in order and answers 405 for what none of them takes.
 */
public interface RestRouteGroup {
  Route route(RestCall call);
}
