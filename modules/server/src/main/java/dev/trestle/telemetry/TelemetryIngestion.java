package dev.trestle.telemetry;

import dev.trestle.protocol.v1.TelemetryIngest;
import dev.trestle.protocol.v1.TelemetryIngestPowerApiHandlerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Wires telemetry ingest on a central node: the writer, the bounded queue, the Report RPC (a
 * partial handler for the edge port) and the rollup/retention schedule.
 */
public final class TelemetryIngestion {
  private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;

  private TelemetryIngestion(Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    this.handler = handler;
  }

  public static TelemetryIngestion start(
      ActorSystem<?> system,
      DataSource dataSource,
      TelemetrySettings settings,
      Duration askTimeout,
      MeterRegistry registry,
      ExecutionContextExecutor blocking,
      Clock clock) {
    var metrics = new TelemetryMetrics(registry);
    var writer = new TelemetryWriter(dataSource, clock, settings.rollupDelay());
    var queue = new IngestQueue(system, settings, writer, blocking, metrics);
    var service =
        new TelemetryIngestService(
            new ClusterCredentials(system, askTimeout, settings.credentialCacheTtl()),
            queue,
            settings,
            metrics,
            clock);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            Duration.ofSeconds(15),
            settings.housekeepingInterval(),
            new TelemetryRollup(dataSource, settings, clock),
            blocking);
    return new TelemetryIngestion(
        TelemetryIngestPowerApiHandlerFactory.partial(service, TelemetryIngest.name, system));
  }

  /** The Report RPC, for the edge port's handler chain (answers only its own path). */
  public Function<HttpRequest, CompletionStage<HttpResponse>> handler() {
    return handler;
  }
}
