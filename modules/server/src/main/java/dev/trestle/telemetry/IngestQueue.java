package dev.trestle.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between the Report RPCs and the database: windows wait here (at most {@code
 * queue-windows} windows and {@code queue-series} series: the memory bound), are grouped into
 * batches of up to {@code batch-series} series or what arrived within {@code batch-within}, and one
 * writer writes one batch at a time on the blocking dispatcher. A window that does not fit is
 * dropped at once and counted; a slow or stalled database therefore never grows memory.
 */
final class IngestQueue {
  private static final Logger LOG = LoggerFactory.getLogger(IngestQueue.class);

  private record Pending(IncomingWindow window, CompletableFuture<IncomingWindow.Outcome> done) {}

  private final BoundedSourceQueue<Pending> queue;
  private final TelemetrySettings settings;
  private final TelemetryMetrics metrics;

  IngestQueue(
      ActorSystem<?> system,
      TelemetrySettings settings,
      WindowWriter writer,
      Executor blocking,
      TelemetryMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.queue =
        Source.<Pending>queue(settings.queueWindows())
            .groupedWeightedWithin(
                settings.batchSeries(),
                p -> (long) Math.max(1, p.window().series().size()),
                settings.batchWithin())
            .mapAsync(
                1,
                batch ->
                    CompletableFuture.runAsync(() -> write(writer, batch), blocking)
                        .handle((ok, error) -> ok))
            .to(Sink.ignore())
            .run(system);
  }

  /** Queues a window; completes when it is written, or at once with DROPPED when full. */
  CompletableFuture<IncomingWindow.Outcome> offer(IncomingWindow window) {
    int n = window.series().size();
    var done = new CompletableFuture<IncomingWindow.Outcome>();
    if (metrics.queuedSeries.addAndGet(n) > settings.queueSeries()) {
      metrics.queuedSeries.addAndGet(-n);
      return dropped(n);
    }
    if (queue.offer(new Pending(window, done)) != QueueOfferResult.enqueued()) {
      metrics.queuedSeries.addAndGet(-n);
      return dropped(n);
    }
    return done;
  }

  private CompletableFuture<IncomingWindow.Outcome> dropped(int series) {
    metrics.outcome(IncomingWindow.Outcome.DROPPED, series);
    return CompletableFuture.completedFuture(IncomingWindow.Outcome.DROPPED);
  }

  private void write(WindowWriter writer, List<Pending> batch) {
    var windows = new ArrayList<IncomingWindow>(batch.size());
    batch.forEach(p -> windows.add(p.window()));
    List<IncomingWindow.Outcome> outcomes;
    long started = System.nanoTime();
    try {
      outcomes = writer.write(windows);
    } catch (Exception | Error e) {
      LOG.warn("telemetry write of {} window(s) failed: {}", windows.size(), e.toString());
      outcomes = windows.stream().map(w -> IncomingWindow.Outcome.FAILED).toList();
    } finally {
      metrics.writes().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      int n = p.window().series().size();
      metrics.queuedSeries.addAndGet(-n);
      metrics.outcome(outcomes.get(i), n);
      p.done().complete(outcomes.get(i));
    }
  }

  void close() {
    queue.complete();
  }
}
