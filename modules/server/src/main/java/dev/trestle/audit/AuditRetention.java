package dev.trestle.audit;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes audit rows older than the configured age; off unless configured. */
public final class AuditRetention implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
  private static final int BATCH = 10_000;
  private final AuditStore store;
  private final Duration maxAge;
  private final Clock clock;

  public AuditRetention(AuditStore store, Duration maxAge, Clock clock) {
    this.store = store;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  @Override
  public void run() {
    long cutoff = AuditProjectionHandler.micros(clock.instant().minus(maxAge));
    try {
      long deleted = store.deleteOlderThan(cutoff, BATCH);
      if (deleted > 0) {
        LOG.info("audit retention removed {} row(s) older than {}", deleted, maxAge);
      }
    } catch (Exception e) {
      LOG.warn("audit retention sweep failed: {}", e.toString());
    }
  }
}
