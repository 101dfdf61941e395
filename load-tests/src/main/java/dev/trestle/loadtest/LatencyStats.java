package dev.trestle.loadtest;

import java.util.Arrays;

/**
 * Percentiles of one set of latency samples, in milliseconds. Nearest-rank percentiles over all
 * samples (no histogram bucketing), so p99 of 200 samples is the second largest one.
 */
public record LatencyStats(
    int count,
    double minMs,
    double meanMs,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double maxMs) {

  public static LatencyStats of(long[] nanos) {
    if (nanos.length == 0) {
      return new LatencyStats(0, 0, 0, 0, 0, 0, 0);
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long n : sorted) {
      sum += n;
    }
    return new LatencyStats(
        sorted.length,
        ms(sorted[0]),
        ms(sum / sorted.length),
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.90)),
        ms(percentile(sorted, 0.99)),
        ms(sorted[sorted.length - 1]));
  }

  /** Nearest rank: the smallest sample with at least p of all samples at or below it. */
  public static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0; // microsecond resolution
  }
}
