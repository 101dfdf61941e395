package dev.trestle.api;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-principal token buckets for writes (apply, delete): {@code ratePerSecond} sustained, {@code
 * burst} at once. A refused write changes nothing and says when to retry.
 */
public final class WriteLimiter {
  private final double ratePerSecond;
  private final double burst;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  public WriteLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
    this.ratePerSecond = ratePerSecond;
    this.burst = Math.max(1, burst);
    this.nanoClock = nanoClock;
  }

  public static WriteLimiter unlimited() {
    return new WriteLimiter(0, 1, System::nanoTime);
  }

  /** Takes {@code cost} tokens (one per document) or throws RATE_LIMITED. */
  public void acquire(String principal, int cost) {
    if (ratePerSecond <= 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    var bucket = buckets.computeIfAbsent(principal, p -> new Bucket(burst, now));
    synchronized (bucket) {
      double elapsed = (now - bucket.refilledAt) / 1e9;
      bucket.tokens = Math.min(burst, bucket.tokens + elapsed * ratePerSecond);
      bucket.refilledAt = now;
      double needed = Math.min(cost, burst);
      if (bucket.tokens < needed) {
        double waitSeconds = (needed - bucket.tokens) / ratePerSecond;
        throw new ProblemException(
            Problem.of(
                Problem.Code.RATE_LIMITED,
                "",
                String.format(
                    "write rate limit for %s exceeded (%.0f/s, burst %.0f); retry in %.1f s",
                    principal, ratePerSecond, burst, Math.max(0.1, waitSeconds))));
      }
      bucket.tokens -= needed;
    }
  }
}
