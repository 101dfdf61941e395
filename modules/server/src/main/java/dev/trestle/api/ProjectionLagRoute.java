package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.observability.ProjectionLagMonitor;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/projections}: how far each read model trails the journal, as the lag monitors
 * last measured it (the same figures as the management port's metrics), for any authenticated
 * caller: the console's overview shows it.
 */
public final class ProjectionLagRoute {
  private final CallContext callers;
  private final List<ProjectionLagMonitor> monitors;

  public ProjectionLagRoute(CallContext callers, List<ProjectionLagMonitor> monitors) {
    this.callers = callers;
    this.monitors = List.copyOf(monitors);
  }

  public Route route() {
    return pathPrefix(
        "api",
        () ->
            pathPrefix(
                "v1",
                () ->
                    path(
                        "projections",
                        () ->
                            get(
                                () ->
                                    extractRequest(
                                        request ->
                                            completeWithFuture(
                                                RestReplies.caller(callers, request)
                                                    .<HttpResponse>thenApply(caller -> lags())
                                                    .exceptionally(RestReplies::error)))))));
  }

  private HttpResponse lags() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode rows = root.putArray("projections");
    for (ProjectionLagMonitor monitor : monitors) {
      for (ProjectionLagMonitor.Lag lag : monitor.latest()) {
        ObjectNode row = rows.addObject();
        row.put("projection", lag.projection());
        row.put("slice", lag.slice());
        row.put("pendingEvents", lag.pendingEvents());
        row.put("lagSeconds", lag.lagSeconds());
      }
    }
    return RestReplies.json(RestReplies.tree(root));
  }
}
