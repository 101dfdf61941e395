package dev.trestle.testsupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A burst of writes from several threads against a server a test is about to crash: each writer
 * writes the names {@code t-WRITER-I} in order until stopped, the server goes away (the write
 * throws) or 10,000 writes; the names the server acknowledged are collected.
 */
public final class WriteBurst {
  /**
   * One write of a new resource named {@code name}; true if the server acknowledged it as created.
   */
  @FunctionalInterface
  public interface Write {
    boolean created(String name) throws Exception;
  }

  private static final int MAX_PER_WRITER = 10_000;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService pool;

  private WriteBurst(int writers, Write write) {
    pool = Executors.newFixedThreadPool(writers);
    for (int w = 0; w < writers; w++) {
      int writer = w;
      pool.submit(
          () -> {
            for (int i = 0; !stop.get() && i < MAX_PER_WRITER; i++) {
              String name = "t-" + writer + "-" + i;
              try {
                if (write.created(name)) {
                  acknowledged.add(name);
                }
              } catch (Exception connectionLost) {
                return; // the server was killed under us
              }
            }
          });
    }
  }

  public static WriteBurst start(int writers, Write write) {
    return new WriteBurst(writers, write);
  }

  /** How many writes were acknowledged so far. */
  public int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Stops the writers, waits for them (bounded) and returns every acknowledged name. */
  public Set<String> stop() throws InterruptedException {
    stop.set(true);
    pool.shutdown();
    if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
      pool.shutdownNow();
      throw new IllegalStateException("writers still running 60 s after the burst was stopped");
    }
    return Set.copyOf(acknowledged);
  }
}
