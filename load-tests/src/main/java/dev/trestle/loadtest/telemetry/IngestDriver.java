package dev.trestle.loadtest.telemetry;

import com.sun.management.OperatingSystemMXBean;
import dev.trestle.loadtest.Progress;
import dev.trestle.protocol.v1.TelemetryIngestGrpc;
import dev.trestle.protocol.v1.TelemetryReport;
import dev.trestle.protocol.v1.TelemetryReportAck;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the simulated edges' reports to central's {@code TelemetryIngest.Report} and counts what
 * the acks say. Two ways: {@link #saturate} keeps {@code senders} reports in flight (what central
 * can take at most), {@link #paced} sends every cluster's report once per {@code interval}, spread
 * evenly over it, as a fleet of edges does (the offered rate), whatever central answers. Reports
 * are built just before they are sent (a full-size run does not fit in memory prebuilt); the
 * client's threads (report building, gRPC client) are named so that their CPU can be told from
 * central's.
 */
final class IngestDriver implements AutoCloseable {
  /** Thread name prefix of everything the simulated edges run on. */
  static final String THREADS = "telemetry-sim-";

  private static final Metadata.Key<String> CLUSTER =
      Metadata.Key.of("x-trestle-cluster", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ExecutorService callbacks = Executors.newFixedThreadPool(2, named("grpc"));
  private final ManagedChannel channel;
  private final List<String> tokens;
  private final int pairs;
  private final long firstStart;
  private final String agent;

  /** What one ingest phase measured. */
  record Ingest(
      long accepted,
      long duplicates,
      long dropped,
      long failed,
      double seconds,
      double drainSeconds,
      double processCpuSeconds,
      double clientCpuSeconds,
      long lateSends,
      long[] nanos) {
    String summary() {
      return String.format(
          Locale.ROOT, "%,d / %,d / %,d / %,d", accepted, duplicates, dropped, failed);
    }

    double centralCpuSeconds() {
      return Math.max(0, processCpuSeconds - clientCpuSeconds);
    }
  }

  IngestDriver(int edgePort, List<String> tokens, int pairs, long firstStart, String agent) {
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", edgePort, InsecureChannelCredentials.create())
            .executor(callbacks)
            .maxInboundMessageSize(4 * 1024 * 1024)
            .build();
    this.tokens = tokens;
    this.pairs = pairs;
    this.firstStart = firstStart;
    this.agent = agent;
  }

  private TelemetryReport report(int window, int cluster) {
    return SimulatedReports.report(cluster, tokens.size(), pairs, firstStart + 30L * window, agent);
  }

  /** {@code windows} rounds of every cluster's report, {@code senders} calls in flight. */
  Ingest saturate(int windows, int senders) throws Exception {
    int clusters = tokens.size();
    int total = windows * clusters;
    var counts = new Counts(total);
    ExecutorService pool = Executors.newFixedThreadPool(senders, named("sender"));
    var next = new AtomicInteger();
    var cpu = new CpuClock();
    try (var progress = new Progress("telemetry: ingest", total, "reports")) {
      for (int s = 0; s < senders; s++) {
        pool.execute(
            () -> {
              for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                TelemetryReport r = report(i / clusters, i % clusters + 1);
                long t = System.nanoTime();
                try {
                  counts.acked(i, t, blocking(i % clusters).report(r));
                } catch (RuntimeException e) {
                  counts.failed(i, t);
                }
                progress.update(counts.done());
              }
            });
      }
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.HOURS);
      return counts.result(cpu, 0, 0);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * {@code windows} rounds of {@code interval}; cluster c's report of round w is sent at {@code w *
   * interval + c * interval / clusters} from the start, without waiting for earlier answers. A send
   * more than a second behind its time (the generator itself could not keep up) is counted.
   */
  Ingest paced(int windows, Duration interval) throws Exception {
    int clusters = tokens.size();
    int total = windows * clusters;
    var counts = new Counts(total);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(named("scheduler"));
    var late = new AtomicLong();
    long stepNanos = interval.toNanos() / clusters;
    var cpu = new CpuClock();
    long t0 = System.nanoTime() + 100_000_000L;
    try (var progress = new Progress("telemetry: paced ingest", total, "reports")) {
      for (int i = 0; i < total; i++) {
        int index = i;
        long due = t0 + (long) i * stepNanos;
        scheduler.schedule(
            () -> {
              TelemetryReport r = report(index / clusters, index % clusters + 1);
              long t = System.nanoTime();
              if (t - due > 1_000_000_000L) {
                late.incrementAndGet();
              }
              async(index % clusters)
                  .report(
                      r,
                      new StreamObserver<>() {
                        @Override
                        public void onNext(TelemetryReportAck ack) {
                          counts.acked(index, t, ack);
                          progress.update(counts.done());
                        }

                        @Override
                        public void onError(Throwable e) {
                          counts.failed(index, t);
                          progress.update(counts.done());
                        }

                        @Override
                        public void onCompleted() {}
                      });
            },
            due - System.nanoTime(),
            TimeUnit.NANOSECONDS);
      }
      long lastSend = t0 + (long) (total - 1) * stepNanos;
      counts.await(Duration.ofNanos(lastSend - System.nanoTime()).plusMinutes(3));
      return counts.result(cpu, Math.max(0, counts.lastAck() - lastSend) / 1e9, late.get());
    } finally {
      scheduler.shutdownNow();
    }
  }

  private Metadata headers(int clusterIndex) {
    var md = new Metadata();
    md.put(CLUSTER, SimulatedReports.clusterFqn(clusterIndex + 1));
    md.put(AUTHORIZATION, "Bearer " + tokens.get(clusterIndex));
    return md;
  }

  private TelemetryIngestGrpc.TelemetryIngestBlockingStub blocking(int clusterIndex) {
    return TelemetryIngestGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(clusterIndex)))
        .withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  private TelemetryIngestGrpc.TelemetryIngestStub async(int clusterIndex) {
    return TelemetryIngestGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(clusterIndex)))
        .withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    callbacks.shutdownNow();
  }

  private static ThreadFactory named(String role) {
    var n = new AtomicInteger();
    return r -> {
      var t = new Thread(r, THREADS + role + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Process CPU, and the CPU of the client's threads (this class's and grpc-java's). */
  private static final class CpuClock {
    private final OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long process0 = os.getProcessCpuTime();
    private final long client0 = ClientThreads.cpuNanos();
    private final long wall0 = System.nanoTime();
  }

  /** Outcomes and latencies of every call of a phase. */
  private static final class Counts {
    final long[] nanos;
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong last = new AtomicLong();
    final AtomicInteger done = new AtomicInteger();
    final CountDownLatch all;

    Counts(int total) {
      nanos = new long[total];
      all = new CountDownLatch(total);
    }

    void acked(int index, long sent, TelemetryReportAck ack) {
      accepted.addAndGet(ack.getAcceptedWindows());
      duplicates.addAndGet(ack.getDuplicateWindows());
      dropped.addAndGet(ack.getDroppedWindows());
      finish(index, sent);
    }

    void failed(int index, long sent) {
      failed.incrementAndGet();
      finish(index, sent);
    }

    private void finish(int index, long sent) {
      long now = System.nanoTime();
      nanos[index] = now - sent;
      last.accumulateAndGet(now, Math::max);
      done.incrementAndGet();
      all.countDown();
    }

    int done() {
      return done.get();
    }

    long lastAck() {
      return last.get();
    }

    void await(Duration bound) throws InterruptedException {
      if (!all.await(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "telemetry: " + all.getCount() + " reports still unanswered after the deadline");
      }
    }

    Ingest result(CpuClock cpu, double drainSeconds, long lateSends) {
      double seconds = (last.get() - cpu.wall0) / 1e9;
      return new Ingest(
          accepted.get(),
          duplicates.get(),
          dropped.get(),
          failed.get(),
          seconds,
          drainSeconds,
          (cpu.os.getProcessCpuTime() - cpu.process0) / 1e9,
          (ClientThreads.cpuNanos() - cpu.client0) / 1e9,
          lateSends,
          nanos);
    }
  }
}
