package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.headerValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.reject;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.audit.AuditQueries;
import dev.trestle.clusters.ClusterOperations;
import dev.trestle.core.Caller;
import dev.trestle.desiredstate.ImpactPreview;
import dev.trestle.edgesync.DesiredStateReadModel;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.DesiredSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * REST additions the console needs besides IAM: {@code GET /api/v1/clusters/{name}/desired} (the
 * Istio objects central wants in a cluster, and the translator's diagnostics for it), {@code GET}
 * of a resource with {@code Accept: application/yaml} (the document as YAML, re-appliable), and
 * {@code GET /api/v1/openapi.json}. Anything else falls through to the route groups of {@link
 * ApiRoutes}.
 */
public final class ConsoleRestRoutes {
  static final String OPENAPI = "trestle-api/openapi.json";
  private static final String YAML = "application/yaml";

  private final ResourceService resources;
  private final AuditQueries audit;
  private final ClusterOperations clusters;
  private final DesiredStateReadModel desired;
  private final CallContext callers;
  private final ImpactPreview translations;

  public ConsoleRestRoutes(
      ResourceService resources,
      AuditQueries audit,
      ClusterOperations clusters,
      DesiredStateReadModel desired,
      CallContext callers,
      ImpactPreview translations) {
    this.translations = translations;
    this.resources = resources;
    this.audit = audit;
    this.clusters = clusters;
    this.desired = desired;
    this.callers = callers;
  }

  public Route route() {
    return ApiRoutes.apiV1(
        () ->
            get(
                () ->
                    concat(
                        path(
                            "openapi.json",
                            () -> getFromResource(OPENAPI, ContentTypes.APPLICATION_JSON)),
                        path(
                            segment("clusters").slash(segment()).slash("desired"),
                            name -> extractRequest(r -> desired(r, name))),
                        headerValueByName(
                            "accept",
                            accept ->
                                accept.contains(YAML)
                                    ? extractUnmatchedPath(
                                        p ->
                                            parameterOptional(
                                                "version", v -> extractRequest(r -> yaml(r, p, v))))
                                    : reject()))));
  }

  private Route desired(HttpRequest request, String name) {
    CompletionStage<HttpResponse> out =
        caller(request)
            .thenCompose(caller -> clusters.resolve(name, caller))
            .thenCompose(
                fqn ->
                    desired
                        .snapshot(fqn)
                        .thenCombine(translations.diagnostics(fqn), Desired::new)
                        .thenApply(
                            both -> {
                              var s = both.snapshot();
                              ObjectNode root = JsonNodeFactory.instance.objectNode();
                              root.put("cluster", fqn);
                              root.put("version", s.getVersion());
                              root.put("setHash", s.getSetHash());
                              ArrayNode objects = root.putArray("objects");
                              for (var o : s.getObjectsList()) {
                                ObjectNode row = objects.addObject();
                                row.put("apiVersion", o.getKey().getApiVersion());
                                row.put("kind", o.getKey().getKind());
                                row.put("namespace", o.getKey().getNamespace());
                                row.put("name", o.getKey().getName());
                                row.put("sourceFqn", o.getSourceFqn());
                                row.put("sourceVersion", o.getSourceVersion());
                                row.put("contentHash", o.getContentHash());
                                try {
                                  row.set("object", CanonicalJson.MAPPER.readTree(o.getJson()));
                                } catch (JsonProcessingException e) {
                                  row.put("object", o.getJson());
                                }
                              }
                              ArrayNode diagnostics = root.putArray("diagnostics");
                              both.diagnostics().forEach(diagnostics::add);
                              return RestReplies.json(RestReplies.tree(root));
                            }));
    return completeWithFuture(out.exceptionally(RestReplies::error));
  }

  private record Desired(DesiredSnapshot snapshot, List<String> diagnostics) {}

  /** A resource (an even number of path segments) as a YAML document; lists are not YAML here. */
  private Route yaml(HttpRequest request, String unmatched, Optional<String> versionText) {
    String fqn = unmatched.replaceAll("^/+|/+$", "");
    String[] segments = fqn.isEmpty() ? new String[0] : fqn.split("/");
    if (segments.length == 0 || segments.length % 2 != 0) {
      return reject();
    }
    long version;
    try {
      version = versionText.map(Long::parseLong).orElse(0L);
    } catch (NumberFormatException e) {
      return complete(
          RestReplies.error(
              RestReplies.invalid("version", "'" + versionText.get() + "' is not a number")));
    }
    CompletionStage<HttpResponse> out =
        caller(request)
            .thenCompose(
                caller -> version > 0 ? audit.at(fqn, version, caller) : resources.get(fqn, caller))
            .thenApply(
                v ->
                    HttpResponse.create()
                        .withStatus(StatusCodes.OK)
                        .withEntity(
                            MediaTypes.applicationWithOpenCharset("yaml")
                                .toContentType(HttpCharsets.UTF_8),
                            ResourceDocuments.toYaml(List.of(ResourceMapper.toResource(v)))));
    return completeWithFuture(out.exceptionally(RestReplies::error));
  }

  private CompletionStage<Caller> caller(HttpRequest request) {
    return RestReplies.caller(callers, request);
  }
}
