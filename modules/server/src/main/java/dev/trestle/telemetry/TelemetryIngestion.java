package dev.trestle.telemetry;

import dev.trestle.protocol.v1.TelemetryIngestPowerApi;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Wires telemetry ingest on a central node: the writer, the bounded queue, the Report RPC (a
 * service the edge port serves) and the rollup/retention schedule.
 */
public final class TelemetryIngestion {
  private final TelemetryIngestPowerApi service;

  private TelemetryIngestion(TelemetryIngestPowerApi service) {
    this.service = service;
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
    return new TelemetryIngestion(service);
  }

  /** The Report RPC, for the edge port's handler chain. */
  public TelemetryIngestPowerApi service() {
    return service;
  }
}
