package dev.trestle.audit;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the audit projection groups events ({@code trestle.audit.batch-max}, {@code
 * trestle.audit.batch-within}), read once.
 *
 * @param max at most this many events are written in one transaction
 * @param within how long the projection waits for more events before it writes what it has
 */
record AuditBatching(int max, Duration within) {
  AuditBatching {
    if (max < 1) {
      throw new IllegalArgumentException(
          "trestle.audit.batch-max = " + max + " must be at least 1");
    }
    if (within.isNegative() || within.isZero()) {
      throw new IllegalArgumentException(
          "trestle.audit.batch-within = " + within + " must be positive");
    }
  }

  static AuditBatching from(Config config) {
    return new AuditBatching(
        config.getInt("trestle.audit.batch-max"), config.getDuration("trestle.audit.batch-within"));
  }
}
