package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.observability.ProjectionLagMonitor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /projections}: how far each read model trails the journal, as the lag monitors last
 * measured it (the same figures as the management port's metrics), for any authenticated caller:
 * the console's overview shows it.
 */
public final class ProjectionLagRoute implements RestRouteGroup {
  private final List<ProjectionLagMonitor> monitors;

  public ProjectionLagRoute(List<ProjectionLagMonitor> monitors) {
    this.monitors = List.copyOf(monitors);
  }

  @Override
  public Route route(RestCall call) {
    return RestPaths.exactly(
        "projections",
        () ->
            concat(
                get(() -> call.ok(() -> CompletableFuture.completedFuture(lags()))),
                call.methodNotAllowed()));
  }

  private String lags() {
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
    return RestReplies.tree(root);
  }
}
