package dev.trestle.edgesync;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds how many edge Connects a node decides at once ({@code trestle.edge.max-concurrent-
 * admissions}). Each Connect starts a cluster entity (journal recovery) and persists its events;
 * when thousands of edges connect together (a central restart, a fleet roll-out) unbounded Connects
 * queued so many journal writes that they outran the journal's circuit breaker, the entities
 * stopped and every edge waited out its ask. Waiting edges queue here in arrival order up to {@code
 * max-waiting-admissions}; beyond that a Connect is refused at once so the edge retries later
 * rather than piling up.
 */
public final class EdgeAdmissions {
  private final int maxConcurrent;
  private final int maxWaiting;
  private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  private int running;

  public EdgeAdmissions(int maxConcurrent, int maxWaiting) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException(
          "trestle.edge.max-concurrent-admissions must be at least 1, got " + maxConcurrent);
    }
    if (maxWaiting < 0) {
      throw new IllegalArgumentException(
          "trestle.edge.max-waiting-admissions must not be negative, got " + maxWaiting);
    }
    this.maxConcurrent = maxConcurrent;
    this.maxWaiting = maxWaiting;
  }

  public static EdgeAdmissions from(com.typesafe.config.Config config) {
    return new EdgeAdmissions(
        config.getInt("trestle.edge.max-concurrent-admissions"),
        config.getInt("trestle.edge.max-waiting-admissions"));
  }

  /** Thrown (as the stage's failure) when the waiting line is full. */
  public static final class Full extends RuntimeException {
    Full(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Completes when this Connect may go ahead; the caller must then {@link #release()} exactly once.
   * A caller that gives up first completes the stage exceptionally (e.g. {@code orTimeout}) and
   * must not release: its turn is skipped.
   */
  public synchronized CompletableFuture<Void> acquire() {
    if (running < maxConcurrent) {
      running++;
      return CompletableFuture.completedFuture(null);
    }
    if (waiting.size() >= maxWaiting) {
      // Only a full line is worth a scan for waiters that gave up (a scan per Connect is
      // quadratic in a storm).
      waiting.removeIf(CompletableFuture::isDone);
    }
    if (waiting.size() >= maxWaiting) {
      return CompletableFuture.failedFuture(
          new Full(
              maxConcurrent
                  + " edge connects are being decided and "
                  + waiting.size()
                  + " are waiting on this node"));
    }
    var turn = new CompletableFuture<Void>();
    waiting.add(turn);
    return turn;
  }

  public void release() {
    CompletableFuture<Void> next;
    synchronized (this) {
      do {
        next = waiting.poll();
      } while (next != null && next.isDone());
      if (next == null) {
        running--;
        return;
      }
    }
    // The permit passes on; a waiter that timed out between poll and here gives it back.
    if (!next.complete(null)) {
      release();
    }
  }

  synchronized int running() {
    return running;
  }

  synchronized int waitingCount() {
    waiting.removeIf(CompletableFuture::isDone);
    return waiting.size();
  }
}
