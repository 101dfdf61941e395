package dev.trestle.api;

import dev.trestle.audit.AuditFilter;
import dev.trestle.audit.AuditQueries;
import dev.trestle.management.ResourceService;
import dev.trestle.management.ResourceService.Caller;
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

  public AuditGrpcService(AuditQueries queries) {
    this.queries = queries;
  }

  static AuditFilter.Request request(AuditQueryRequest in) {
    return new AuditFilter.Request(
        in.getResource(),
        in.getRecursive(),
        in.getPrincipal(),
        in.getKind(),
        in.getOperation() == AuditOperation.AUDIT_OPERATION_UNSPECIFIED ? "" : in.getOperation().name(),
        in.getOutcome() == AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED ? "" : in.getOutcome().name(),
        in.getSince(),
        in.getUntil(),
        in.getText(),
        in.getPageSize(),
        in.getPageToken());
  }

  @Override
  public CompletionStage<AuditQueryResponse> query(AuditQueryRequest in, Metadata metadata) {
    Caller caller = ManagementGrpcService.caller(metadata);
    long start = System.nanoTime();
    String target = in.getResource().isEmpty() ? "/" : in.getResource();
    return queries
        .query(request(in))
        .handle(
            (page, error) -> {
              if (error != null) {
                var p = ResourceService.problemOf(error, "");
                RequestLog.failed("grpc", "AuditQuery", target, caller, start, p);
                throw ErrorMapping.grpcException(p);
              }
              var out = AuditQueryResponse.newBuilder().setNextPageToken(page.nextPageToken());
              page.rows().forEach(r -> out.addEntries(AuditViews.entry(r)));
              RequestLog.ok("grpc", "AuditQuery", target, caller, start, page.rows().size() + " row(s)");
              return out.build();
            });
  }

  @Override
  public CompletionStage<HistoryResponse> history(HistoryRequest in, Metadata metadata) {
    Caller caller = ManagementGrpcService.caller(metadata);
    long start = System.nanoTime();
    return queries
        .history(in.getFqn())
        .handle(
            (versions, error) -> {
              if (error != null) {
                var p = ResourceService.problemOf(error, in.getFqn());
                RequestLog.failed("grpc", "History", in.getFqn(), caller, start, p);
                throw ErrorMapping.grpcException(p);
              }
              var out = HistoryResponse.newBuilder().setFqn(in.getFqn());
              for (int i = versions.size() - 1; i >= 0; i--) {
                out.addEntries(AuditViews.historyEntry(versions.get(i)));
              }
              RequestLog.ok("grpc", "History", in.getFqn(), caller, start, versions.size() + " version(s)");
              return out.build();
            });
  }
}
