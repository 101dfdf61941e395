package dev.trestle.audit;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.protocol.Fqn;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Audit queries and resource history for the API façades; JDBC runs on a blocking executor. */
public final class AuditQueries {
  private final AuditStore store;
  private final ResourceHistory history;
  private final Executor blocking;
  private final Clock clock;
  private final Guard guard;
  private final RefusalLog refusals;

  /**
   * One page for the API. {@code scanBudgetExhausted}: the server stopped after {@code
   * rowsExamined} rows (the scan budget) without filling the page; {@code nextPageToken} continues
   * from the last row examined.
   */
  public record Page(
      List<AuditRow> rows, String nextPageToken, long rowsExamined, boolean scanBudgetExhausted) {}

  /** Rows a query may examine for one page unless configured: {@code trestle.audit.scan-budget}. */
  public static final int DEFAULT_SCAN_BUDGET = 5000;

  private final int scanBudget;

  public AuditQueries(
      AuditStore store, ResourceHistory history, Executor blocking, Clock clock, Guard guard) {
    this(store, history, blocking, clock, guard, DEFAULT_SCAN_BUDGET, RefusalLog.NONE);
  }

  /** {@code refusals}: where denied reads (audit queries, history) are recorded. */
  public AuditQueries(
      AuditStore store,
      ResourceHistory history,
      Executor blocking,
      Clock clock,
      Guard guard,
      int scanBudget,
      RefusalLog refusals) {
    this.refusals = refusals;
    if (scanBudget < 1) {
      throw new IllegalArgumentException(
          "trestle.audit.scan-budget must be at least 1, was " + scanBudget);
    }
    this.scanBudget = scanBudget;
    this.store = store;
    this.history = history;
    this.blocking = blocking;
    this.clock = clock;
    this.guard = guard;
  }

  /**
   * Rows under an FQN need READ on it (and so, by inheritance, on everything below); without a
   * resource filter the caller needs READ at the root.
   */
  public CompletionStage<Page> query(AuditFilter.Request request, Caller caller) {
    Fqn scope;
    try {
      scope = Fqn.parse(request.resource());
    } catch (IllegalArgumentException e) {
      return query(request); // the filter reports the malformed FQN
    }
    return guard
        .allowed(caller.principal(), Perm.READ, scope)
        .thenCompose(
            ok -> {
              if (!ok) {
                String hint =
                    scope.isRoot() ? "; name a resource you may read with resource=FQN" : "";
                throw new ProblemException(
                    Problem.of(
                        Problem.Code.PERMISSION_DENIED,
                        scope.toString(),
                        Guard.denied(caller.principal(), Perm.READ, scope).message() + hint));
              }
              return query(request);
            })
        .whenComplete(refusals.whenDenied(caller, "AUDIT", scope.toString()));
  }

  public CompletionStage<List<ResourceHistory.Version>> history(String fqn, Caller caller) {
    return readable(fqn, caller)
        .whenComplete(refusals.whenDenied(caller, "HISTORY", fqn))
        .thenCompose(x -> history(fqn));
  }

  public CompletionStage<dev.trestle.management.ResourceEntity.View> at(
      String fqn, long version, Caller caller) {
    return readable(fqn, caller)
        .whenComplete(refusals.whenDenied(caller, "GET", fqn))
        .thenCompose(x -> at(fqn, version));
  }

  private CompletionStage<Void> readable(String fqnText, Caller caller) {
    try {
      return guard.require(caller.principal(), Perm.READ, Fqn.parse(fqnText));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new ProblemException(
              Problem.of(Problem.Code.INVALID_ARGUMENT, fqnText, "fqn: " + e.getMessage())));
    }
  }

  CompletionStage<Page> query(AuditFilter.Request request) {
    AuditFilter filter;
    try {
      filter = AuditFilter.parse(request, clock);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            var result = store.query(filter, scanBudget);
            String token = result.next() == null ? "" : filter.tokenAt(result.next());
            return new Page(
                result.rows(), token, result.rowsExamined(), result.scanBudgetExhausted());
          } catch (java.sql.SQLException e) {
            throw new ProblemException(
                Problem.of(
                    Problem.Code.UNAVAILABLE, "", "the audit store failed: " + e.getMessage()));
          }
        },
        blocking);
  }

  CompletionStage<List<ResourceHistory.Version>> history(String fqn) {
    try {
      return history.versions(fqn);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  CompletionStage<dev.trestle.management.ResourceEntity.View> at(String fqn, long version) {
    try {
      return history.at(fqn, version);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
