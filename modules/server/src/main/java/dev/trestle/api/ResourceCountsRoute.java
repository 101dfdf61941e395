package dev.trestle.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.desiredstate.ResourceCounts;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /resource-counts}: how many resources of each kind the caller may READ, counted
 * without listing them ({@link ResourceCounts}); the console's overview shows the total.
 */
public final class ResourceCountsRoute implements RestRouteGroup {
  private final ResourceCounts counts;

  public ResourceCountsRoute(ResourceCounts counts) {
    this.counts = counts;
  }

  @Override
  public Route route(RestCall call) {
    return RestPaths.exactly(
        "resource-counts",
        () ->
            concat(
                get(
                    () ->
                        call.ok(
                            () ->
                                counts
                                    .readableBy(call.caller())
                                    .thenApply(ResourceCountsRoute::json))),
                call.methodNotAllowed()));
  }

  private static String json(ResourceCounts.Counts c) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("total", c.total());
    ObjectNode byKind = root.putObject("byKind");
    c.byKind().forEach(byKind::put);
    return RestReplies.tree(root);
  }
}
