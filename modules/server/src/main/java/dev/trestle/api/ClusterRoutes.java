package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import dev.trestle.clusters.ClusterOperations;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.ListServicesResponse;
import dev.trestle.protocol.v1.RevokeJoinTokenResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Clusters over REST: {@code GET /clusters[?pageSize=N&pageToken=T]} (or {@code ?fqn=F}: one);
 * {@code GET /istio-versions} (the fleet's Istio versions, {@link IstioFleet}); {@code GET
 * /services[?namespace=N]} (the service catalog over the clusters the caller may read); {@code POST
 * /join-tokens?cluster=C[&rotate=true][&ttl=24h][&singleUse=true]}; {@code DELETE
 * /join-tokens?cluster=C[&tokenId=ID]}; {@code GET /status/FQN[?wait=applied&timeout=60s]}.
 */
public final class ClusterRoutes implements RestRouteGroup {
  private final ClusterOperations clusters;

  public ClusterRoutes(ClusterOperations clusters) {
    this.clusters = clusters;
  }

  @Override
  public Route route(RestCall call) {
    return concat(
        RestPaths.exactly("clusters", () -> call.getOnly(() -> list(call))),
        RestPaths.exactly("istio-versions", () -> call.getOnly(() -> istioVersions(call))),
        RestPaths.exactly("services", () -> call.getOnly(() -> services(call))),
        RestPaths.exactly(
            "join-tokens",
            () ->
                concat(
                    post(() -> issueToken(call)),
                    delete(() -> revokeTokens(call)),
                    call.methodNotAllowed())),
        RestPaths.fqnBelow("status", fqn -> call.getOnly(() -> status(call, fqn))));
  }

  private Route list(RestCall call) {
    call.request().discardEntityBytes(call.system());
    return call.ok(
        () ->
            (call.optionalParam("fqn").isPresent()
                    ? clusters.one(call.param("fqn"), call.caller())
                    : clusters.list(
                        call.caller(), call.intParam("pageSize"), call.param("pageToken")))
                .thenApply(page -> RestReplies.protoJson(ClusterViews.page(page))));
  }

  private Route istioVersions(RestCall call) {
    return call.ok(
        () ->
            clusters
                .list(call.caller(), 0, "")
                .thenApply(
                    page ->
                        RestReplies.protoJson(
                            IstioFleet.of(ClusterViews.page(page).getClustersList()))));
  }

  private Route services(RestCall call) {
    return call.ok(
        () ->
            clusters
                .services(call.param("namespace"), call.caller())
                .thenApply(
                    s ->
                        RestReplies.protoJson(
                            ListServicesResponse.newBuilder().addAllServices(s))));
  }

  private Route issueToken(RestCall call) {
    call.request().discardEntityBytes(call.system());
    return call.ok(
        () ->
            clusters
                .issueToken(
                    call.param("cluster"),
                    call.flag("rotate"),
                    ttl(call),
                    call.flag("singleUse"),
                    call.caller())
                .thenApply(t -> RestReplies.protoJson(ClusterViews.issued(t))));
  }

  /** {@code ttl=24h} (or 90m, 86400s); null when absent. */
  private static Duration ttl(RestCall call) {
    Optional<String> text = call.optionalParam("ttl");
    if (text.isEmpty()) {
      return null;
    }
    return Durations.parse(text.get())
        .orElseThrow(
            () ->
                RestCall.invalid(
                    "ttl: '" + text.get() + "' is not a duration such as 24h, 90m or 86400s"));
  }

  private Route revokeTokens(RestCall call) {
    call.request().discardEntityBytes(call.system());
    return call.ok(
        () ->
            clusters
                .revokeTokens(call.param("cluster"), call.param("tokenId"), call.caller())
                .thenApply(
                    r ->
                        RestReplies.protoJson(
                            RevokeJoinTokenResponse.newBuilder()
                                .setCluster(r.cluster())
                                .addAllRevokedTokenIds(r.tokenIds()))));
  }

  private Route status(RestCall call, String fqn) {
    return call.ok(
        () -> {
          Optional<String> wait = call.optionalParam("wait");
          if (wait.isEmpty()) {
            return clusters.status(fqn, call.caller()).thenApply(RestReplies::protoJson);
          }
          if (!wait.get().equalsIgnoreCase("applied")) {
            throw RestCall.invalid(
                "wait: only 'applied' can be waited for, not '" + wait.get() + "'");
          }
          String timeoutText = call.optionalParam("timeout").orElse("60s");
          Duration timeout =
              Durations.parse(timeoutText)
                  .orElseThrow(
                      () ->
                          RestCall.invalid(
                              "timeout: '"
                                  + call.param("timeout")
                                  + "' is not a duration such as 90s or 5m"));
          return clusters
              .waitForApplied(fqn, timeout, call.caller())
              .thenApply(RestReplies::protoJson);
        });
  }
}
