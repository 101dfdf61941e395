package dev.trestle.app;

import com.typesafe.config.Config;
import dev.trestle.edgesync.DesiredStateFanOut;
import dev.trestle.edgesync.EdgeAdmissions;
import dev.trestle.edgesync.EdgeClientCertificates;
import dev.trestle.edgesync.EdgeMetrics;
import dev.trestle.edgesync.EdgePortErrors;
import dev.trestle.edgesync.EdgeSessions;
import dev.trestle.edgesync.EdgeSyncService;
import dev.trestle.edgesync.GrpcFrameSizeCheck;
import dev.trestle.edgesync.SessionServices;
import dev.trestle.protocol.v1.EdgeSync;
import dev.trestle.protocol.v1.EdgeSyncPowerApiHandlerFactory;
import dev.trestle.telemetry.FailoverSettings;
import dev.trestle.telemetry.TelemetryFailover;
import dev.trestle.telemetry.TelemetryIngestion;
import dev.trestle.telemetry.TelemetrySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.grpc.javadsl.ServiceHandler;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.SystemMaterializer;

/**
 * Starts the edge port: the edge agents' gRPC stream (sessions, desired-state fan-out) and their
 * telemetry reports, with mutual TLS when a client CA is configured (a client certificate must then
 * name the cluster its join token is for); open streams are closed first at shutdown.
 */
final class EdgeServerStarter {
  private EdgeServerStarter() {}

  static ServerBinding start(StartedParts parts, Duration timeout) throws Exception {
    ActorSystem<Void> system = parts.system();
    Settings settings = parts.settings();
    ServiceStarter.Services s = parts.services();
    var edgeSessions = new EdgeSessions();
    var clusterSettings = s.clusterSettings();
    DesiredStateFanOut.start(system, edgeSessions, clusterSettings.heartbeatInterval());
    var telemetryIngest =
        TelemetryIngestion.start(
            system,
            parts.storage().readModels().dataSource(),
            TelemetrySettings.from(parts.config()),
            settings.askTimeout(),
            parts.operations().registry(),
            parts.storage().blocking(),
            parts.clock());
    TelemetryFailover.start(
        system,
        parts.storage().readModels().dataSource(),
        FailoverSettings.from(parts.config()),
        settings.askTimeout(),
        parts.storage().blocking(),
        parts.clock());
    var edgeSync =
        EdgeSyncPowerApiHandlerFactory.partial(
            new EdgeSyncService(
                system,
                new SessionServices(
                    parts.readSide().desiredReadModel(),
                    clusterSettings,
                    settings.askTimeout(),
                    new EdgeMetrics(parts.operations().registry()),
                    edgeSessions,
                    s.clusters()::edgeRefused,
                    EdgeAdmissions.from(parts.config()))),
            EdgeSync.name,
            SystemMaterializer.get(system).materializer(),
            EdgePortErrors.mapper(),
            system);
    Path clientCa = clientCa(parts.config());
    // Both RPCs of the edge port (sync stream, telemetry reports) behind the frame size check, and
    // with mutual TLS told which cluster names the client certificate carries.
    @SuppressWarnings("unchecked")
    var edgePort =
        GrpcFrameSizeCheck.guarded(
            EdgeClientCertificates.attached(
                ServiceHandler.concatOrNotFound(edgeSync, telemetryIngest.handler()),
                clientCa != null && settings.tls().enabled()));
    var server =
        Http.get(system)
            .newServerAt(settings.edgeHost(), settings.edgePort())
            .withSettings(EdgePortSettings.serverSettings(system));
    if (settings.tls().enabled()) {
      server =
          server.enableHttps(TlsContexts.edgeServer(settings.tls(), settings.dataDir(), clientCa));
    } else if (clientCa != null) {
      throw new IllegalArgumentException(
          "trestle.edge.client-ca-file needs TLS: set trestle.tls.mode to keystore or"
              + " self-signed");
    }
    ServerBinding edge =
        server.bind(edgePort).toCompletableFuture().get(timeout.toSeconds(), TimeUnit.SECONDS);
    CoordinatedShutdown.get(system.classicSystem())
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "close-edge-streams",
            () -> {
              // Edge streams never end on their own; without this the unbind waits its
              // whole deadline for them.
              edgeSessions.closeAll();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    edge.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    return edge;
  }

  private static Path clientCa(Config config) {
    String file = config.getString("trestle.edge.client-ca-file").strip();
    return file.isEmpty() ? null : Path.of(file);
  }
}
