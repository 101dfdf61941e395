package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import dev.trestle.gitops.GitOpsOperations;
import dev.trestle.protocol.v1.GitOpsStatusResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GitOps over REST: {@code GET /gitops} (every source the caller may read), {@code GET /gitops/FQN}
 * (one source), {@code POST /gitops/FQN/sync} (sync now; also the webhook a git host calls on push,
 * with a bearer token that has WRITE on the source).
 */
public final class GitOpsRoutes implements RestRouteGroup {
  private static final String SYNC = "/sync";

  private final GitOpsOperations gitops;

  public GitOpsRoutes(GitOpsOperations gitops) {
    this.gitops = gitops;
  }

  @Override
  public Route route(RestCall call) {
    return concat(
        RestPaths.exactly("gitops", () -> call.getOnly(() -> status(call, ""))),
        RestPaths.fqnBelow(
            "gitops",
            path ->
                isSync(path)
                    ? concat(
                        post(() -> sync(call, path.substring(0, path.length() - SYNC.length()))),
                        call.methodNotAllowed())
                    : concat(get(() -> status(call, path)), call.methodNotAllowed())));
  }

  /** An FQN has an even number of segments; FQN + "/sync" an odd one (a source may be "sync"). */
  private static boolean isSync(String path) {
    return path.endsWith(SYNC) && path.split("/").length % 2 == 1;
  }

  private Route status(RestCall call, String source) {
    return call.ok(
        () ->
            gitops
                .status(source, call.caller())
                .thenApply(
                    s ->
                        RestReplies.protoJson(GitOpsStatusResponse.newBuilder().addAllSources(s))));
  }

  private Route sync(RestCall call, String source) {
    call.request().discardEntityBytes(call.system());
    return call.ok(() -> gitops.sync(source, call.caller()).thenApply(RestReplies::protoJson));
  }
}
