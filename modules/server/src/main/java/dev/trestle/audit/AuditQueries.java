package dev.trestle.audit;

import dev.trestle.management.Problem;
import dev.trestle.management.ProblemException;
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

  public record Page(List<AuditRow> rows, String nextPageToken) {}

  public AuditQueries(AuditStore store, ResourceHistory history, Executor blocking, Clock clock) {
    this.store = store;
    this.history = history;
    this.blocking = blocking;
    this.clock = clock;
  }

  public CompletionStage<Page> query(AuditFilter.Request request) {
    AuditFilter filter;
    try {
      filter = AuditFilter.parse(request, clock);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            var rows = store.query(filter);
            if (rows.size() <= filter.pageSize()) {
              return new Page(rows, "");
            }
            var page = rows.subList(0, filter.pageSize());
            return new Page(List.copyOf(page), filter.tokenAfter(page.get(page.size() - 1)));
          } catch (java.sql.SQLException e) {
            throw new ProblemException(
                Problem.of(Problem.Code.UNAVAILABLE, "", "the audit store failed: " + e.getMessage()));
          }
        },
        blocking);
  }

  public CompletionStage<List<ResourceHistory.Version>> history(String fqn) {
    try {
      return history.versions(fqn);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<dev.trestle.management.ResourceEntity.View> at(String fqn, long version) {
    try {
      return history.at(fqn, version);
    } catch (ProblemException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
