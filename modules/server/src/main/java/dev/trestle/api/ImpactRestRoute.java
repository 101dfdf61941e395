package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import dev.trestle.management.ResourceService;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /impact}: the documents of an apply body (YAML or JSON), dry-run, with the Istio
 * objects they would create, change or delete per cluster (docs/api.md "Impact preview"); the REST
 * view of the management service's {@code PreviewImpact}, sharing its admission and {@link
 * ImpactViews}. 200 also when a document fails: its result says why.
 *
 * <p>{@code POST /impact?delete=FQN[&cascade=true][&force=true][&version=N]} (no body): the same
 * for a delete ({@code PreviewDeleteImpact}): what it would remove and each cluster's objects that
 * would go or change; refused as the delete would be (the refusal is not recorded).
 */
public final class ImpactRestRoute implements RestRouteGroup {
  private final ResourceService service;
  private final Admission admission;
  private final ImpactViews impact;
  private final ApplyBodies bodies;

  public ImpactRestRoute(
      ResourceService service, Admission admission, ImpactViews impact, ApplyBodies bodies) {
    this.service = service;
    this.admission = admission;
    this.impact = impact;
    this.bodies = bodies;
  }

  @Override
  public Route route(RestCall call) {
    return RestPaths.exactly(
        "impact", () -> concat(post(() -> preview(call)), call.methodNotAllowed()));
  }

  private Route preview(RestCall call) {
    if (call.optionalParam("delete").isPresent()) {
      return previewDelete(call, call.param("delete"));
    }
    return call.ok(
        () ->
            bodies
                .withDocuments(
                    call,
                    Optional.empty(),
                    docs -> {
                      admission.admitApply(call.caller(), docs.size());
                      return service
                          .apply(docs, true, false, call.caller())
                          .thenCompose(results -> impact.of(results, call.caller()));
                    })
                .thenApply(RestReplies::protoJson));
  }

  private Route previewDelete(RestCall call, String fqn) {
    return call.ok(
        () -> {
          call.request().discardEntityBytes(call.system());
          long version = call.longParam("version");
          admission.admitDelete(call.caller());
          return service
              .previewDelete(fqn, call.flag("cascade"), call.flag("force"), version, call.caller())
              .thenCompose(order -> impact.ofDelete(order, call.caller()))
              .thenApply(RestReplies::protoJson);
        });
  }
}
