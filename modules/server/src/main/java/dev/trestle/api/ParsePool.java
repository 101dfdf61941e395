package dev.trestle.api;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Where request documents are parsed: a few threads of their own with a bounded queue, off the
 * dispatcher that serves requests, so large uploads cannot stall small calls. When the queue is
 * full the request is refused at once ({@code UNAVAILABLE}, 503 with {@code Retry-After}) instead
 * of waiting without bound.
 */
final class ParsePool implements AutoCloseable {
  static final int RETRY_AFTER_SECONDS = 1;
  private final ThreadPoolExecutor executor;

  ParsePool(int threads, int queue) {
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "trestle-parse-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Half the cores (at least one) and a queue of 16: parsing never takes the whole machine. */
  static ParsePool forThisMachine() {
    return new ParsePool(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 16);
  }

  <T> CompletionStage<T> submit(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(busy());
    }
  }

  static ProblemException busy() {
    return new ProblemException(
        Problem.of(
            Problem.Code.UNAVAILABLE,
            "",
            "the server is busy reading other large requests; retry in "
                + RETRY_AFTER_SECONDS
                + " s"));
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
