package dev.trestle.observability;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;

/**
 * Kubernetes probes: {@code /health/alive} (liveness: the actor system answers and its liveness
 * checks pass) and {@code /health/ready} (readiness: every check under
 * pekko.management.health-checks.readiness-checks, i.e. this node is Up in the cluster and
 * Trestle's own start-up is done and not yet shutting down). 200 "OK", else 503 and the reason. The
 * same checks back pekko-management's {@code /alive} and {@code /ready}.
 */
public final class HealthProbes extends AllDirectives {
  private final HealthChecks checks;

  public HealthProbes(ActorSystem<?> system) {
    this.checks =
        new HealthChecks(
            (ExtendedActorSystem) system.classicSystem(),
            HealthCheckSettings.create(
                system.settings().config().getConfig("pekko.management.health-checks")));
  }

  public Route routes() {
    return pathPrefix(
        "health",
        () ->
            concat(
                path("alive", () -> get(() -> answer(checks.aliveResult()))),
                path("ready", () -> get(() -> answer(checks.readyResult())))));
  }

  private Route answer(CompletionStage<CheckResult> result) {
    return onSuccess(
        result,
        r ->
            r.isSuccess()
                ? complete(StatusCodes.OK, "OK")
                : complete(
                    StatusCodes.SERVICE_UNAVAILABLE,
                    "Not ready: " + r.failure().orElse("unknown")));
  }
}
