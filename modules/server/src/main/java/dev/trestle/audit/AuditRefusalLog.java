package dev.trestle.audit;

import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.RefusalLog;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes refused attempts to the audit table off the caller's thread (JDBC blocks). */
public final class AuditRefusalLog implements RefusalLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRefusalLog.class);
  private final AuditStore store;
  private final Executor blocking;
  private final Clock clock;

  public AuditRefusalLog(AuditStore store, Executor blocking, Clock clock) {
    this.store = store;
    this.blocking = blocking;
    this.clock = clock;
  }

  @Override
  public void refused(Caller caller, String operation, String kind, String fqn, Problem problem) {
    var row =
        new AuditRow(
            0,
            AuditProjectionHandler.micros(clock.instant()),
            caller.principal(),
            operation,
            AuditRow.REFUSED,
            kind == null ? "" : kind,
            fqn == null ? "" : fqn,
            0,
            caller.requestId(),
            problem.code() + ": " + problem.message(),
            null);
    blocking.execute(
        () -> {
          try {
            store.insertRefused(row);
          } catch (Exception e) {
            LOG.warn("could not audit a refused {} of {}: {}", operation, fqn, e.toString());
          }
        });
  }
}
