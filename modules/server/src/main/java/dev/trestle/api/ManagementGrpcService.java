package dev.trestle.api;

import dev.trestle.audit.AuditQueries;
import dev.trestle.management.ApplyOutcomeView;
import dev.trestle.management.Problem;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.management.ResourceService.Caller;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServicePowerApi;
import dev.trestle.protocol.v1.Resource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of the management API: proto in, service call, proto out, errors mapped once. */
public final class ManagementGrpcService implements ManagementServicePowerApi {
  public static final int MAX_DOCUMENTS_PER_APPLY = 1000;
  private final ResourceService service;
  private final AuditQueries history;

  public ManagementGrpcService(ResourceService service, AuditQueries history) {
    this.service = service;
    this.history = history;
  }

  static Caller caller(Metadata metadata) {
    return CallContext.caller(
        metadata.getText(CallContext.USER_HEADER), metadata.getText(CallContext.REQUEST_ID_HEADER));
  }

  @Override
  public CompletionStage<ApplyResponse> apply(ApplyRequest in, Metadata metadata) {
    Caller caller = caller(metadata);
    long start = System.nanoTime();
    String target = in.getResourcesCount() + " document(s)" + (in.getDryRun() ? " dry-run" : "");
    if (in.getResourcesCount() > MAX_DOCUMENTS_PER_APPLY) {
      return fail(
          "Apply",
          target,
          caller,
          start,
          Problem.of(
              Problem.Code.INVALID_ARGUMENT,
              "",
              "an apply holds at most " + MAX_DOCUMENTS_PER_APPLY + " documents, got " + in.getResourcesCount()));
    }
    return service
        .apply(in.getResourcesList(), in.getDryRun(), in.getStopOnError(), caller)
        .handle(
            (results, error) -> {
              if (error != null) {
                throw failure("Apply", target, caller, start, error);
              }
              var response = ApplyResponse.newBuilder().setRequestId(caller.requestId());
              results.forEach(r -> response.addResults(ProtoViews.applyResult(r)));
              RequestLog.ok("grpc", "Apply", target, caller, start, summary(results));
              return response.build();
            });
  }

  @Override
  public CompletionStage<Resource> get(GetRequest in, Metadata metadata) {
    Caller caller = caller(metadata);
    long start = System.nanoTime();
    var lookup =
        in.getVersion() > 0 ? history.at(in.getFqn(), in.getVersion()) : service.get(in.getFqn());
    return lookup
        .handle(
            (view, error) -> {
              if (error != null) {
                throw failure("Get", in.getFqn(), caller, start, error);
              }
              RequestLog.ok("grpc", "Get", in.getFqn(), caller, start, "version " + view.version());
              return ResourceMapper.toResource(view);
            });
  }

  @Override
  public CompletionStage<ListResponse> list(ListRequest in, Metadata metadata) {
    Caller caller = caller(metadata);
    long start = System.nanoTime();
    String target = (in.getParent().isEmpty() ? "/" : in.getParent()) + " kind=" + in.getKind();
    return service
        .list(
            in.getParent(),
            in.getKind(),
            in.getRecursive(),
            in.getLabelSelector(),
            in.getPageSize(),
            in.getPageToken())
        .handle(
            (page, error) -> {
              if (error != null) {
                throw failure("List", target, caller, start, error);
              }
              var response = ListResponse.newBuilder().setNextPageToken(page.nextPageToken());
              page.items().forEach(v -> response.addResources(ResourceMapper.toResource(v)));
              RequestLog.ok("grpc", "List", target, caller, start, page.items().size() + " item(s)");
              return response.build();
            });
  }

  @Override
  public CompletionStage<DeleteResponse> delete(DeleteRequest in, Metadata metadata) {
    Caller caller = caller(metadata);
    long start = System.nanoTime();
    return service
        .delete(in.getFqn(), in.getCascade(), in.getForce(), in.getVersion(), caller)
        .handle(
            (deleted, error) -> {
              if (error != null) {
                throw failure("Delete", in.getFqn(), caller, start, error);
              }
              RequestLog.ok("grpc", "Delete", in.getFqn(), caller, start, deleted.size() + " deleted");
              return DeleteResponse.newBuilder()
                  .addAllDeleted(deleted)
                  .setRequestId(caller.requestId())
                  .build();
            });
  }

  static String summary(java.util.List<ApplyOutcomeView> results) {
    var counts = new java.util.TreeMap<String, Integer>();
    for (var r : results) {
      String key =
          r.skipped() ? "skipped" : r.problem() != null ? "failed" : r.outcome().name().toLowerCase();
      counts.merge(key, 1, Integer::sum);
    }
    return counts.toString();
  }

  private static <T> CompletionStage<T> fail(
      String op, String target, Caller caller, long start, Problem problem) {
    RequestLog.failed("grpc", op, target, caller, start, problem);
    return CompletableFuture.failedFuture(ErrorMapping.grpcException(problem));
  }

  private static RuntimeException failure(
      String op, String target, Caller caller, long start, Throwable error) {
    Problem p = ResourceService.problemOf(error, "");
    RequestLog.failed("grpc", op, target, caller, start, p);
    return ErrorMapping.grpcException(p);
  }

}
