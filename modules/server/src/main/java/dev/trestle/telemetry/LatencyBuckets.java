package dev.trestle.telemetry;

import java.util.List;

/**
 * Central's one latency histogram layout: Istio's default bucket bounds for {@code
 * istio_request_duration_milliseconds}, plus +Inf. Windows reported with other bounds are mapped
 * onto these (each bucket to the first bound not below its own, so a latency is never reported
 * lower than measured); percentiles interpolate linearly inside a bucket, as PromQL's {@code
 * histogram_quantile} does.
 */
final class LatencyBuckets {
  static final double[] BOUNDS_MS = {
    0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
    1800000, 3600000
  };

  /** The bounds plus the +Inf bucket. */
  static final int COUNT = 20;

  private LatencyBuckets() {}

  /**
   * Non-cumulative {@code counts} over {@code bounds} (plus a final +Inf count) mapped onto {@link
   * #BOUNDS_MS}. Missing counts are zero; counts beyond bounds+1 are refused by the caller.
   */
  static long[] rebucket(List<Double> bounds, List<Long> counts) {
    long[] out = new long[COUNT];
    if (sameAsCentral(bounds)) {
      for (int i = 0; i < counts.size() && i < COUNT; i++) {
        out[i] = counts.get(i);
      }
      return out;
    }
    for (int i = 0; i < counts.size(); i++) {
      long n = counts.get(i);
      if (n == 0) {
        continue;
      }
      out[i < bounds.size() ? indexFor(bounds.get(i)) : COUNT - 1] += n;
    }
    return out;
  }

  private static boolean sameAsCentral(List<Double> bounds) {
    if (bounds.size() != BOUNDS_MS.length) {
      return false;
    }
    for (int i = 0; i < BOUNDS_MS.length; i++) {
      if (bounds.get(i) != BOUNDS_MS[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first central bucket whose bound is not below {@code upperMs}; +Inf when none. */
  static int indexFor(double upperMs) {
    for (int i = 0; i < BOUNDS_MS.length; i++) {
      if (upperMs <= BOUNDS_MS[i]) {
        return i;
      }
    }
    return COUNT - 1;
  }

  /**
   * The {@code q} quantile (0..1) of the non-cumulative {@code counts}, in ms; 0 when empty. Inside
   * the bucket that holds the rank the value is interpolated linearly from the bucket's lower bound
   * (0 for the first); a rank in +Inf reports the highest finite bound.
   */
  static double quantile(double q, long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return 0;
    }
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < counts.length; i++) {
      long here = counts[i];
      if (here > 0 && below + here >= rank) {
        if (i >= BOUNDS_MS.length) {
          return BOUNDS_MS[BOUNDS_MS.length - 1];
        }
        double lower = i == 0 ? 0 : BOUNDS_MS[i - 1];
        double upper = BOUNDS_MS[i];
        return lower + (upper - lower) * ((rank - below) / here);
      }
      below += here;
    }
    return BOUNDS_MS[BOUNDS_MS.length - 1];
  }
}
