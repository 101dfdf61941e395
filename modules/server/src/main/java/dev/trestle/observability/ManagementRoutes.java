package dev.trestle.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.CanonicalJson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Trestle's routes on the management port beside pekko-management's own (/alive, /ready,
 * /cluster/members): {@code /health} (readiness plus projection lag, JSON) and {@code /metrics}
 * (Prometheus text format).
 */
public final class ManagementRoutes extends AllDirectives {
  private final PrometheusMeterRegistry registry;
  private final List<ProjectionLagMonitor> monitors;
  private final BooleanSupplier ready;

  public ManagementRoutes(
      PrometheusMeterRegistry registry,
      List<ProjectionLagMonitor> monitors,
      BooleanSupplier ready) {
    this.registry = registry;
    // A live, thread-safe list: monitors are added once their projections exist.
    this.monitors = monitors;
    this.ready = ready;
  }

  public Route routes() {
    return concat(
        path(
            "metrics",
            () ->
                get(
                    () ->
                        complete(
                            StatusCodes.OK,
                            HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, registry.scrape())))),
        path("health", () -> get(this::health)));
  }

  private Route health() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    boolean isReady = ready.getAsBoolean();
    out.put("status", isReady ? "UP" : "STARTING");
    var projections = out.putArray("projections");
    for (var monitor : monitors) {
      for (var lag : monitor.latest()) {
        var p = projections.addObject();
        p.put("projection", lag.projection());
        p.put("slice", lag.slice());
        p.put("offset", lag.offset());
        p.put("pendingEvents", lag.pendingEvents());
        p.put("lagSeconds", lag.lagSeconds());
      }
    }
    try {
      return complete(
          isReady ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
          HttpEntities.create(
              ContentTypes.APPLICATION_JSON,
              CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
