package dev.trestle.telemetry;

import dev.trestle.clusters.EdgeSuppliedText;
import dev.trestle.edgesync.EdgeClientCertificates;
import dev.trestle.protocol.v1.TelemetryIngestPowerApi;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryReportAck;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge port's telemetry RPC (docs/telemetry.md): authenticates the cluster like the sync
 * stream, refuses a malformed or oversized report whole, queues its windows and answers once they
 * are written (or dropped, or after {@code ack-timeout}: UNAVAILABLE, and the edge resends). Never
 * touches the journal.
 */
public final class TelemetryIngestService implements TelemetryIngestPowerApi {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryIngestService.class);
  static final String CLUSTER_HEADER = "x-trestle-cluster";

  private final ClusterCredentials credentials;
  private final IngestQueue queue;
  private final TelemetrySettings settings;
  private final TelemetryMetrics metrics;
  private final Clock clock;

  TelemetryIngestService(
      ClusterCredentials credentials,
      IngestQueue queue,
      TelemetrySettings settings,
      TelemetryMetrics metrics,
      Clock clock) {
    this.credentials = credentials;
    this.queue = queue;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public CompletionStage<TelemetryReportAck> report(TelemetryReport in, Metadata metadata) {
    return credentials
        .verify(
            metadata.getText(CLUSTER_HEADER),
            metadata.getText("authorization"),
            in.getCluster(),
            metadata.getText(EdgeClientCertificates.NAMES_HEADER))
        .thenCompose(cluster -> store(cluster, in))
        .exceptionally(
            e -> {
              throw translate(in, e);
            });
  }

  private CompletionStage<TelemetryReportAck> store(String cluster, TelemetryReport in) {
    List<IncomingWindow> windows = ReportWindows.of(cluster, in, settings, clock.instant());
    metrics.edgeDropped(in.getDroppedWindows(), in.getDroppedSeries());
    var outcomes = new ArrayList<CompletableFuture<IncomingWindow.Outcome>>(windows.size());
    windows.forEach(w -> outcomes.add(queue.offer(w)));
    Duration timeout = settings.ackTimeout();
    return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            x -> {
              var ack = TelemetryReportAck.newBuilder();
              int accepted = 0;
              int duplicates = 0;
              int dropped = 0;
              boolean failed = false;
              for (var o : outcomes) {
                switch (o.join()) {
                  case STORED -> accepted++;
                  case DUPLICATE -> duplicates++;
                  case DROPPED -> dropped++;
                  case FAILED -> failed = true;
                }
              }
              if (failed) {
                throw unavailable("the telemetry store failed to write; send the windows again");
              }
              return ack.setAcceptedWindows(accepted)
                  .setDuplicateWindows(duplicates)
                  .setDroppedWindows(dropped)
                  .build();
            });
  }

  private GrpcServiceException translate(TelemetryReport in, Throwable e) {
    Throwable cause = e;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof GrpcServiceException grpc) {
      return grpc;
    }
    if (cause instanceof ClusterCredentials.Refused refused) {
      metrics.refused();
      LOG.warn(
          "telemetry report for '{}' refused: {}",
          EdgeSuppliedText.printable(in.getCluster()),
          refused.getMessage());
      return new GrpcServiceException(Status.UNAUTHENTICATED.withDescription(refused.getMessage()));
    }
    if (cause instanceof ReportWindows.Invalid invalid) {
      metrics.refused();
      return new GrpcServiceException(
          Status.INVALID_ARGUMENT.withDescription(invalid.getMessage()));
    }
    if (cause instanceof TimeoutException) {
      return unavailable(
          "the windows were not written within "
              + settings.ackTimeout().toMillis()
              + " ms; send them again (a window already written counts once)");
    }
    LOG.warn("telemetry report failed: {}", cause.toString());
    return unavailable("telemetry ingest failed: " + cause.getMessage());
  }

  private static GrpcServiceException unavailable(String message) {
    return new GrpcServiceException(Status.UNAVAILABLE.withDescription(message));
  }
}
