package dev.trestle.telemetry;

import static dev.trestle.telemetry.TelemetryFixtures.call;
import static dev.trestle.telemetry.TelemetryFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stalled database: the ingest queue holds at most its bound, drops the rest at once and counts
 * them, and the windows it held are written once the writer moves again.
 */
class IngestBackpressureTest {
  private ActorSystem<Void> system;
  private ExecutorService blocking;

  @BeforeEach
  void start() {
    system = ActorSystem.create(Behaviors.empty(), "backpressure");
    blocking = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    blocking.shutdownNow();
  }

  @Test
  void aStalledWriterKeepsMemoryBoundedAndCountsDrops() throws Exception {
    var base = TelemetryFixtures.settings();
    // At most 50 series (5 windows of 10) queued; one window per batch.
    var settings =
        new TelemetrySettings(
            100,
            50,
            base.maxWindowsPerReport(),
            base.maxSeriesPerWindow(),
            10,
            Duration.ofMillis(1),
            base.ackTimeout(),
            base.minuteRetention(),
            base.hourRetention(),
            base.rollupDelay(),
            base.housekeepingInterval(),
            base.credentialCacheTtl());
    var release = new CountDownLatch(1);
    var writing = new CountDownLatch(1);
    var written = new AtomicLong();
    WindowWriter stalled =
        batch -> {
          writing.countDown();
          release.await();
          written.addAndGet(batch.size());
          return batch.stream().map(w -> IncomingWindow.Outcome.STORED).toList();
        };
    var registry = new SimpleMeterRegistry();
    var metrics = new TelemetryMetrics(registry);
    var queue = new IngestQueue(system, settings, stalled, blocking, metrics);

    List<CompletableFuture<IncomingWindow.Outcome>> outcomes = new ArrayList<>();
    outcomes.add(queue.offer(tenSeries(0)));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    long maxQueued = 0;
    for (int i = 1; i < 1000; i++) {
      outcomes.add(queue.offer(tenSeries(i)));
      maxQueued = Math.max(maxQueued, metrics.queuedSeries.get());
    }
    assertThat(maxQueued).isLessThanOrEqualTo(50);
    long dropped =
        outcomes.stream()
            .filter(f -> f.isDone() && f.join() == IncomingWindow.Outcome.DROPPED)
            .count();
    // The one being written plus up to 4 more waiting fit; everything else was dropped at once.
    assertThat(dropped).isGreaterThanOrEqualTo(995);
    assertThat(
            registry.get("trestle_telemetry_windows").tag("outcome", "dropped").counter().count())
        .isEqualTo(dropped);
    assertThat(registry.get("trestle_telemetry_series").tag("outcome", "dropped").counter().count())
        .isEqualTo(dropped * 10);

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> outcomes.stream().allMatch(CompletableFuture::isDone));
    assertThat(written.get()).isEqualTo(1000 - dropped);
    assertThat(metrics.queuedSeries.get()).isZero();
  }

  private static IncomingWindow tenSeries(int i) {
    var series = new IncomingWindow.Series[10];
    for (int s = 0; s < 10; s++) {
      series[s] = call("east", "w" + s, "ns", "svc", "ns", "", "2xx", 1, 0);
    }
    return window("east", "a", 1_700_000_000L + 30L * i, series);
  }
}
