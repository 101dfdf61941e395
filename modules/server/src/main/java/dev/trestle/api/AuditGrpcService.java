package dev.trestle.api;

import dev.trestle.audit.AuditFilter;
import dev.trestle.audit.AuditQueries;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.AuditServicePowerApi;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of audit queries and resource history. */
public final class AuditGrpcService implements AuditServicePowerApi {
  private final AuditQueries queries;
  private final CallContext callers;

  public AuditGrpcService(AuditQueries queries, CallContext callers) {
    this.queries = queries;
    this.callers = callers;
  }

  static AuditFilter.Request request(AuditQueryRequest in) {
    return new AuditFilter.Request(
        in.getResource(),
        in.getRecursive(),
        in.getPrincipal(),
        in.getKind(),
        in.getOperation() == AuditOperation.AUDIT_OPERATION_UNSPECIFIED
            ? ""
            : in.getOperation().name(),
        in.getOutcome() == AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED ? "" : in.getOutcome().name(),
        in.getSince(),
        in.getUntil(),
        in.getText(),
        in.getPageSize(),
        in.getPageToken());
  }

  @Override
  public CompletionStage<AuditQueryResponse> query(AuditQueryRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "AuditQuery",
        in.getResource().isEmpty() ? "/" : in.getResource(),
        caller ->
            queries
                .query(request(in), caller)
                .thenApply(
                    page -> {
                      var out = AuditViews.response(page);
                      page.rows().forEach(r -> out.addEntries(AuditViews.entry(r)));
                      return out.build();
                    }),
        r -> r.getEntriesCount() + " row(s)");
  }

  @Override
  public CompletionStage<HistoryResponse> history(HistoryRequest in, Metadata metadata) {
    return ManagementGrpcService.handle(
        callers,
        metadata,
        "History",
        in.getFqn(),
        caller ->
            queries
                .history(in.getFqn(), caller)
                .thenApply(
                    versions -> {
                      var out = HistoryResponse.newBuilder().setFqn(in.getFqn());
                      for (int i = versions.size() - 1; i >= 0; i--) {
                        out.addEntries(AuditViews.historyEntry(versions.get(i)));
                      }
                      return out.build();
                    }),
        r -> r.getEntriesCount() + " version(s)");
  }
}
