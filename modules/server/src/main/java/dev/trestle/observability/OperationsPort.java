package dev.trestle.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * The management port (default 8558): pekko-management's routes, the probes, /health and /metrics.
 * Bound first thing at start-up, so that probes answer (503 until ready) while storage and
 * projections start, and unbound last at shutdown, so that they answer 503 while the node drains
 * rather than refusing connections.
 */
public final class OperationsPort {
  private final PrometheusMeterRegistry registry;
  private final List<ProjectionLagMonitor> lagMonitors;
  private final ServerBinding binding;

  private OperationsPort(
      PrometheusMeterRegistry registry,
      List<ProjectionLagMonitor> lagMonitors,
      ServerBinding binding) {
    this.registry = registry;
    this.lagMonitors = lagMonitors;
    this.binding = binding;
  }

  public static OperationsPort bind(
      ActorSystem<?> system, String host, int port, BooleanSupplier ready, Duration timeout)
      throws Exception {
    var registry = NodeMetrics.get(system).registry();
    List<ProjectionLagMonitor> monitors = new CopyOnWriteArrayList<>();
    var routes =
        Directives.concat(
            new HealthProbes(system).routes(),
            PekkoManagement.get(system).getRoutes(),
            new ManagementRoutes(registry, monitors, ready).routes());
    ServerBinding binding =
        Http.get(system)
            .newServerAt(host, port)
            .bind(routes)
            .toCompletableFuture()
            .get(timeout.toSeconds(), TimeUnit.SECONDS);
    CoordinatedShutdown.get(system.classicSystem())
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "unbind-management-port",
            () -> binding.unbind());
    return new OperationsPort(registry, monitors, binding);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Adds projection lag to /health (its gauges are on /metrics already). */
  public void addLagMonitors(ProjectionLagMonitor... monitors) {
    lagMonitors.addAll(List.of(monitors));
  }

  public int port() {
    return binding.localAddress().getPort();
  }
}
