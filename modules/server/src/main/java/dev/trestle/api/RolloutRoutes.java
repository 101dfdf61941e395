package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;

import dev.trestle.protocol.v1.RolloutStatusResponse;
import dev.trestle.rollouts.RolloutOperations;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Revision rollouts' status over REST: {@code GET /rollouts} (every rollout the caller may read),
 * {@code GET /rollouts/FQN} (one rollout).
 */
public final class RolloutRoutes implements RestRouteGroup {
  private final RolloutOperations rollouts;

  public RolloutRoutes(RolloutOperations rollouts) {
    this.rollouts = rollouts;
  }

  @Override
  public Route route(RestCall call) {
    return concat(
        RestPaths.exactly("rollouts", () -> call.getOnly(() -> status(call, ""))),
        RestPaths.fqnBelow("rollouts", path -> call.getOnly(() -> status(call, path))));
  }

  private Route status(RestCall call, String rollout) {
    return call.ok(
        () ->
            rollouts
                .status(rollout, call.caller())
                .thenApply(
                    s ->
                        RestReplies.protoJson(
                            RolloutStatusResponse.newBuilder().addAllRollouts(s))));
  }
}
