package dev.trestle.loadtest.telemetry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time of the simulated edges' threads in this JVM: the driver's own ({@link
 * IngestDriver#THREADS}) and grpc-java's ({@code grpc-*}: its event loops and executors; central
 * serves gRPC with pekko-grpc, whose threads are named otherwise). Subtracted from the process's
 * CPU, it leaves central's share (GC included). Threads that ended are not counted; the driver's
 * pools live for the whole phase.
 */
final class ClientThreads {
  private ClientThreads() {}

  static long cpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && isClient(info.getThreadName())) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        if (t > 0) {
          sum += t;
        }
      }
    }
    return sum;
  }

  static boolean isClient(String name) {
    return name.startsWith(IngestDriver.THREADS) || name.startsWith("grpc-");
  }
}
