package dev.trestle.edge.telemetry;

import dev.trestle.protocol.v1.TelemetryIngestGrpc;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryReportAck;
import dev.trestle.protocol.v1.TelemetryWindow;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each window to central on {@code TelemetryIngest.Report}, on the agent's channel with the
 * cluster's credentials in the metadata ({@code x-trestle-cluster}, {@code authorization: Bearer}),
 * never on the sync stream. While central is unreachable windows wait in a bounded buffer and go
 * later, oldest first; when the buffer is full the oldest window is dropped and counted, and the
 * counts go with the next report that central takes. Not thread-safe: one collector thread.
 */
public final class TelemetryReporter {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryReporter.class);
  static final Metadata.Key<String> CLUSTER =
      Metadata.Key.of("x-trestle-cluster", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Well under gRPC's default 4 MiB message limit. */
  static final int MAX_REPORT_BYTES = 2 * 1024 * 1024;

  /**
   * Central refuses a report of more windows ({@code trestle.telemetry.max-windows-per-report}, 240
   * by default): a long outage of short windows goes in several reports.
   */
  static final int MAX_REPORT_WINDOWS = 240;

  private final String cluster;
  private final String agentInstance;
  private final Supplier<Channel> channel;
  private final Supplier<String> token;
  private final int maxBuffered;
  private final Duration callTimeout;
  private final TelemetryStatus status;
  private final ArrayDeque<TelemetryWindow> buffer = new ArrayDeque<>();
  private long droppedWindows;
  private long droppedSeries;
  private long totalDroppedWindows;
  private long totalDroppedSeries;
  private boolean lastFailed;

  /**
   * @param channel the agent's current channel to central (null while it has none)
   * @param token reads the join token (from its file, on every call)
   * @param maxBuffered windows kept while central is unreachable (at least 1)
   */
  public TelemetryReporter(
      String cluster,
      String agentInstance,
      Supplier<Channel> channel,
      Supplier<String> token,
      int maxBuffered,
      Duration callTimeout,
      TelemetryStatus status) {
    if (maxBuffered < 1) {
      throw new IllegalArgumentException("the telemetry buffer must hold at least one window");
    }
    this.cluster = cluster;
    this.agentInstance = agentInstance;
    this.channel = channel;
    this.token = token;
    this.maxBuffered = maxBuffered;
    this.callTimeout = callTimeout;
    this.status = status;
  }

  /** Queues a window (dropping the oldest when full) with the series its collection dropped. */
  public void offer(TelemetryWindow window, long seriesDropped) {
    if (buffer.size() == maxBuffered) {
      buffer.removeFirst();
      droppedWindows++;
      totalDroppedWindows++;
    }
    buffer.addLast(window);
    droppedSeries += seriesDropped;
    totalDroppedSeries += seriesDropped;
    status.buffered(buffer.size(), totalDroppedWindows, totalDroppedSeries);
  }

  /** Sends what is buffered, oldest first, until it is empty or central fails a call. */
  public void flush() {
    while (!buffer.isEmpty()) {
      List<TelemetryWindow> batch = nextBatch();
      TelemetryReport report =
          TelemetryReport.newBuilder()
              .setCluster(cluster)
              .setAgentInstance(agentInstance)
              .addAllWindows(batch)
              .setDroppedWindows(droppedWindows)
              .setDroppedSeries(droppedSeries)
              .build();
      TelemetryReportAck ack;
      try {
        ack = send(report);
      } catch (StatusRuntimeException | IllegalArgumentException e) {
        String why = "telemetry report to central failed: " + e.getMessage();
        LOG.debug(why);
        lastFailed = true;
        status.reportFailed(why, buffer.size());
        return;
      }
      lastFailed = false;
      for (int i = 0; i < batch.size(); i++) {
        buffer.removeFirst();
      }
      droppedWindows = 0;
      droppedSeries = 0;
      status.reported(batch.size(), buffer.size(), ack.getDroppedWindows());
    }
  }

  /** Windows buffered now. */
  public int buffered() {
    return buffer.size();
  }

  private List<TelemetryWindow> nextBatch() {
    var batch = new ArrayList<TelemetryWindow>();
    int bytes = 0;
    for (TelemetryWindow w : buffer) {
      int size = w.getSerializedSize();
      if (batch.size() == MAX_REPORT_WINDOWS
          || (!batch.isEmpty() && bytes + size > MAX_REPORT_BYTES)) {
        break;
      }
      batch.add(w);
      bytes += size;
    }
    return batch;
  }

  private TelemetryReportAck send(TelemetryReport report) {
    Channel ch = channel.get();
    if (ch == null) {
      throw new IllegalArgumentException("no channel to central yet");
    }
    if (lastFailed && ch instanceof ManagedChannel managed) {
      // grpc-java's own reconnect backoff would fail this call at once; the window decides.
      managed.resetConnectBackoff();
    }
    var headers = new Metadata();
    headers.put(CLUSTER, cluster);
    headers.put(AUTHORIZATION, "Bearer " + token.get());
    return TelemetryIngestGrpc.newBlockingStub(ch)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .report(report);
  }
}
