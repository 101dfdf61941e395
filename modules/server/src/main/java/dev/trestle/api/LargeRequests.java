package dev.trestle.api;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many large requests (over {@code thresholdBytes}) one principal may have in progress
 * at once, so a few uploads from one caller cannot occupy the parse pool for everyone. A permit is
 * taken before the body is read and given back when the answer is ready.
 */
final class LargeRequests {
  private final long thresholdBytes;
  private final int perPrincipal;
  private final ConcurrentHashMap<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

  LargeRequests(long thresholdBytes, int perPrincipal) {
    this.thresholdBytes = thresholdBytes;
    this.perPrincipal = perPrincipal;
  }

  boolean isLarge(long bytes) {
    return bytes > thresholdBytes;
  }

  /** A permit for a request of {@code bytes}; small requests need none and always get one. */
  Permit acquire(String principal, long bytes) {
    if (!isLarge(bytes)) {
      return () -> {};
    }
    AtomicInteger count = inProgress.computeIfAbsent(principal, p -> new AtomicInteger());
    if (count.incrementAndGet() > perPrincipal) {
      count.decrementAndGet();
      throw new ProblemException(
          Problem.of(
              Problem.Code.RATE_LIMITED,
              "",
              principal
                  + " already has "
                  + perPrincipal
                  + " requests over "
                  + thresholdBytes / 1024
                  + " KiB in progress (the limit); retry when one has finished"));
    }
    var closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        count.decrementAndGet();
      }
    };
  }

  /** Given back when the request is answered; closing it again does nothing. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
