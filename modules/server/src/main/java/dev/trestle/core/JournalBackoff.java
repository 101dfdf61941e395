package dev.trestle.core;

import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * What every persistent entity does when the journal fails a write or a recovery: stop, then start
 * again (recovering from the journal) after 200 ms, doubling up to 5 s, with 10 % jitter, so a
 * journal outage is not answered by a storm of immediate restarts. Callers' asks time out meanwhile
 * (UNAVAILABLE, retry).
 */
public final class JournalBackoff {
  public static final Duration MIN = Duration.ofMillis(200);
  public static final Duration MAX = Duration.ofSeconds(5);
  public static final double RANDOM_FACTOR = 0.1;

  private JournalBackoff() {}

  public static BackoffSupervisorStrategy onPersistFailure() {
    return SupervisorStrategy.restartWithBackoff(MIN, MAX, RANDOM_FACTOR);
  }
}
