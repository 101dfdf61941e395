package dev.trestle.edge;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with full jitter: the n-th retry (n from 0) waits a uniformly random time in
 * [0, min(cap, initial * 2^n)]. {@link #reset} after a healthy session starts again from the
 * initial delay. Not thread-safe: the agent's connection loop owns it.
 */
public final class Backoff {
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(200);
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(30);

  private final long initialMillis;
  private final long capMillis;
  private final Random random;
  private int attempt;

  public Backoff(Duration initial, Duration cap, Random random) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff must be positive");
    }
    if (cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max backoff " + cap + " is below the initial " + initial);
    }
    this.initialMillis = initial.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  /** The upper bound of the n-th retry's delay: min(cap, initial * 2^n), without overflow. */
  public long ceilingMillis(int n) {
    if (n >= 62 || initialMillis > (capMillis >> Math.min(n, 62))) {
      return capMillis;
    }
    return Math.min(capMillis, initialMillis << n);
  }

  /** The delay before the next attempt; each call counts one more attempt. */
  public Duration next() {
    long ceiling = ceilingMillis(attempt);
    if (attempt < Integer.MAX_VALUE) {
      attempt++;
    }
    // nextLong(bound) is Java 17: uniform in [0, ceiling]
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  public int attempts() {
    return attempt;
  }

  public void reset() {
    attempt = 0;
  }
}
