package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.Resource;
import java.util.List;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/v1/impact}: the documents of an apply body (YAML or JSON), dry-run, with the
 * Istio objects they would create, change or delete per cluster. The REST view of the management
 * service's {@code PreviewImpact}, which does the work (docs/api.md "Impact preview").
 */
public final class ImpactRestRoute {
  private final ManagementGrpcService management;

  public ImpactRestRoute(ManagementGrpcService management) {
    this.management = management;
  }

  public Route route() {
    return pathPrefix(
        "api",
        () ->
            pathPrefix(
                "v1",
                () ->
                    path(
                        "impact",
                        () ->
                            post(
                                () ->
                                    extractRequest(
                                        request ->
                                            IamRestRoutes.body(
                                                text -> {
                                                  List<Resource> docs;
                                                  try {
                                                    docs = RestApi.parseAll(text);
                                                  } catch (RestApi.InvalidBody e) {
                                                    return complete(RestReplies.error(e.problem()));
                                                  }
                                                  return IamRestRoutes.call(
                                                      management.previewImpact(
                                                          ApplyRequest.newBuilder()
                                                              .addAllResources(docs)
                                                              .setDryRun(true)
                                                              .build(),
                                                          IamRestRoutes.metadata(request)));
                                                }))))));
  }
}
