package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.audit.AuditQueries;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Resources over REST: {@code POST /apply}; below it, a path with an even number of segments names
 * a resource (GET, PUT, DELETE), an odd one a collection (GET lists it). Must come after every more
 * specific route: it takes any path.
 */
public final class ResourceRoutes implements RestRouteGroup {
  private final ResourceService service;
  private final AuditQueries audit;
  private final Admission admission;
  private final ApplyBodies bodies;

  /**
   * {@code access} and {@code bindings} decide whether a large body is read at all; {@code
   * bodyTimeoutMillis}: how long reading a request body may take.
   */
  public ResourceRoutes(
      ResourceService service, AuditQueries audit, Admission admission, ApplyBodies bodies) {
    this.service = service;
    this.audit = audit;
    this.admission = admission;
    this.bodies = bodies;
  }

  @Override
  public Route route(RestCall call) {
    return concat(
        RestPaths.exactly(
            "apply", () -> concat(post(() -> applyBody(call)), call.methodNotAllowed())),
        extractUnmatchedPath(unmatched -> byPath(call, RestPaths.strip(unmatched))));
  }

  private Route byPath(RestCall call, String rest) {
    String[] segments = rest.isEmpty() ? new String[0] : rest.split("/");
    if (segments.length > 0 && segments.length % 2 == 0) {
      return concat(
          get(() -> getOne(call, rest)),
          put(() -> putOne(call, rest)),
          delete(() -> deleteOne(call, rest)),
          call.methodNotAllowed());
    }
    return concat(get(() -> list(call, segments)), call.methodNotAllowed());
  }

  private Route applyBody(RestCall call) {
    return call.respond(
        () ->
            bodies.withDocuments(
                call,
                Optional.empty(),
                docs -> apply(call, docs, call.flag("dryRun"), call.flag("stopOnError"))));
  }

  private Route putOne(RestCall call, String fqn) {
    return call.respond(
        () ->
            bodies.withDocuments(
                call,
                Optional.of(fqn),
                docs -> {
                  if (docs.size() != 1) {
                    throw RestCall.invalid("PUT takes exactly one document, got " + docs.size());
                  }
                  String docFqn = ResourceMapper.snapshotOf(docs.get(0)).fqn();
                  if (!docFqn.equals(fqn)) {
                    throw RestCall.invalid(
                        "the document names " + docFqn + " but the path names " + fqn);
                  }
                  return apply(call, docs, call.flag("dryRun"), false);
                }));
  }

  private CompletionStage<HttpResponse> apply(
      RestCall call, List<Resource> docs, boolean dryRun, boolean stopOnError) {
    admission.admitApply(call.caller(), docs.size());
    return service
        .apply(docs, dryRun, stopOnError, call.caller())
        .thenApply(
            results -> {
              var response = ApplyResponse.newBuilder().setRequestId(call.caller().requestId());
              results.forEach(r -> response.addResults(ProtoViews.applyResult(r)));
              StatusCode status =
                  results.stream()
                      .filter(r -> r.problem() != null)
                      .findFirst()
                      .map(r -> ErrorMapping.httpStatus(r.problem().code()))
                      .orElse(StatusCodes.OK);
              RequestLog.ok(
                  "rest",
                  call.op(),
                  docs.size() + " document(s)",
                  call.caller(),
                  call.start(),
                  ManagementGrpcService.summary(results));
              return HttpResponse.create()
                  .withStatus(status)
                  .withEntity(ContentTypes.APPLICATION_JSON, RestReplies.protoJson(response));
            });
  }

  private Route getOne(RestCall call, String fqn) {
    return call.ok(
        () -> {
          long version = call.longParam("version");
          return (version > 0
                  ? audit.at(fqn, version, call.caller())
                  : service.get(fqn, call.caller()))
              .thenApply(
                  v ->
                      RestReplies.tree(ResourceDocuments.toDocument(ResourceMapper.toResource(v))));
        });
  }

  private Route list(RestCall call, String[] segments) {
    String parent =
        segments.length == 0
            ? ""
            : String.join("/", List.of(segments).subList(0, segments.length - 1));
    String kind = segments.length == 0 ? "" : segments[segments.length - 1];
    return call.ok(
        () ->
            service
                .list(
                    parent,
                    kind,
                    call.flag("recursive"),
                    call.param("labelSelector"),
                    call.intParam("pageSize"),
                    call.param("pageToken"),
                    call.caller())
                .thenApply(
                    page -> {
                      ObjectNode out = JsonNodeFactory.instance.objectNode();
                      ArrayNode items = out.putArray("resources");
                      page.items()
                          .forEach(
                              v ->
                                  items.add(
                                      ResourceDocuments.toDocument(ResourceMapper.toResource(v))));
                      out.put("nextPageToken", page.nextPageToken());
                      return RestReplies.tree(out);
                    }));
  }

  private Route deleteOne(RestCall call, String fqn) {
    return call.ok(
        () -> {
          call.request().discardEntityBytes(call.system());
          long version = call.longParam("version");
          admission.admitDelete(call.caller());
          return service
              .delete(fqn, call.flag("cascade"), call.flag("force"), version, call.caller())
              .thenApply(
                  deleted -> {
                    ObjectNode out = JsonNodeFactory.instance.objectNode();
                    ArrayNode list = out.putArray("deleted");
                    deleted.forEach(list::add);
                    out.put("requestId", call.caller().requestId());
                    return RestReplies.tree(out);
                  });
        });
  }
}
