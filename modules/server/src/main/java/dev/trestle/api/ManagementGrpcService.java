package dev.trestle.api;

import dev.trestle.audit.AuditQueries;
import dev.trestle.core.Caller;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.management.ApplyOutcomeView;
import dev.trestle.management.ResourceMapper;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.DeleteResponse;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ListResponse;
import dev.trestle.protocol.v1.ManagementServicePowerApi;
import dev.trestle.protocol.v1.Resource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of the management API: authenticate, proto in, service call, proto out. */
public final class ManagementGrpcService implements ManagementServicePowerApi {
  private final ResourceService service;
  private final AuditQueries history;
  private final CallContext callers;
  private final Admission admission;
  private final ImpactViews impact;

  public ManagementGrpcService(
      ResourceService service,
      AuditQueries history,
      CallContext callers,
      Admission admission,
      ImpactViews impact) {
    this.service = service;
    this.impact = impact;
    this.history = history;
    this.callers = callers;
    this.admission = admission;
  }

  /** Authenticates, runs {@code call}, logs one line and maps failures to gRPC errors. */
  static <T> CompletionStage<T> handle(
      CallContext callers,
      Metadata metadata,
      String operation,
      String target,
      Function<Caller, CompletionStage<T>> call,
      Function<T, String> summary) {
    return handleAuthenticated(
        callers, metadata, operation, target, a -> call.apply(a.caller()), summary);
  }

  /** As {@link #handle}, for a call that needs how the caller authenticated (WhoAmI). */
  static <T> CompletionStage<T> handleAuthenticated(
      CallContext callers,
      Metadata metadata,
      String operation,
      String target,
      Function<CallContext.Authenticated, CompletionStage<T>> call,
      Function<T, String> summary) {
    long start = System.nanoTime();
    var requestId = metadata.getText(CallContext.REQUEST_ID_HEADER);
    Caller[] who = {CallContext.unauthenticated(requestId)};
    return callers
        .authenticate(
            metadata.getText(CallContext.AUTHORIZATION_HEADER),
            metadata.getText(CallContext.USER_HEADER),
            requestId)
        .thenCompose(
            authenticated -> {
              who[0] = authenticated.caller();
              return call.apply(authenticated);
            })
        .handle(
            (result, error) -> {
              if (error != null) {
                Problem p = Problem.of(error, "");
                RequestLog.failed("grpc", operation, target, who[0], start, p);
                throw ErrorMapping.grpcException(p);
              }
              RequestLog.ok("grpc", operation, target, who[0], start, summary.apply(result));
              return result;
            });
  }

  @Override
  public CompletionStage<ApplyResponse> apply(ApplyRequest in, Metadata metadata) {
    String target = in.getResourcesCount() + " document(s)" + (in.getDryRun() ? " dry-run" : "");
    return handle(
        callers,
        metadata,
        "Apply",
        target,
        caller -> {
          LargeRequests.Permit permit;
          try {
            permit =
                admission.admitApplyRequest(caller, in.getSerializedSize(), in.getResourcesCount());
          } catch (ProblemException e) {
            return CompletableFuture.failedFuture(e);
          }
          return service
              .apply(in.getResourcesList(), in.getDryRun(), in.getStopOnError(), caller)
              .whenComplete((done, failed) -> permit.close())
              .thenApply(
                  results -> {
                    var response = ApplyResponse.newBuilder().setRequestId(caller.requestId());
                    results.forEach(r -> response.addResults(ProtoViews.applyResult(r)));
                    return response.build();
                  });
        },
        r -> summary(r));
  }

  @Override
  public CompletionStage<ImpactResponse> previewImpact(ApplyRequest in, Metadata metadata) {
    return handle(
        callers,
        metadata,
        "PreviewImpact",
        in.getResourcesCount() + " document(s)",
        caller -> {
          // Admitted as a dry-run Apply (same size, large-request and rate rules).
          LargeRequests.Permit permit;
          try {
            permit =
                admission.admitApplyRequest(caller, in.getSerializedSize(), in.getResourcesCount());
          } catch (ProblemException e) {
            return CompletableFuture.failedFuture(e);
          }
          return service
              .apply(in.getResourcesList(), true, in.getStopOnError(), caller)
              .thenCompose(results -> impact.of(results, caller))
              .whenComplete((done, failed) -> permit.close());
        },
        r -> r.getClustersCount() + " cluster(s) changed of " + r.getClustersExamined());
  }

  @Override
  public CompletionStage<ImpactResponse> previewDeleteImpact(DeleteRequest in, Metadata metadata) {
    return handle(
        callers,
        metadata,
        "PreviewDeleteImpact",
        in.getFqn(),
        caller -> {
          // Admitted as a Delete (the same rate rule).
          try {
            admission.admitDelete(caller);
          } catch (ProblemException e) {
            return CompletableFuture.failedFuture(e);
          }
          return service
              .previewDelete(in.getFqn(), in.getCascade(), in.getForce(), in.getVersion(), caller)
              .thenCompose(order -> impact.ofDelete(order, caller));
        },
        r ->
            r.getDeletedCount()
                + " resource(s) would go; "
                + r.getClustersCount()
                + " cluster(s) changed of "
                + r.getClustersExamined());
  }

  @Override
  public CompletionStage<Resource> get(GetRequest in, Metadata metadata) {
    return handle(
        callers,
        metadata,
        "Get",
        in.getFqn(),
        caller ->
            (in.getVersion() > 0
                    ? history.at(in.getFqn(), in.getVersion(), caller)
                    : service.get(in.getFqn(), caller))
                .thenApply(ResourceMapper::toResource),
        r -> "version " + r.getMetadata().getVersion());
  }

  @Override
  public CompletionStage<ListResponse> list(ListRequest in, Metadata metadata) {
    String target = (in.getParent().isEmpty() ? "/" : in.getParent()) + " kind=" + in.getKind();
    return handle(
        callers,
        metadata,
        "List",
        target,
        caller ->
            service
                .list(
                    in.getParent(),
                    in.getKind(),
                    in.getRecursive(),
                    in.getLabelSelector(),
                    in.getPageSize(),
                    in.getPageToken(),
                    caller)
                .thenApply(
                    page -> {
                      var response =
                          ListResponse.newBuilder().setNextPageToken(page.nextPageToken());
                      page.items()
                          .forEach(v -> response.addResources(ResourceMapper.toResource(v)));
                      return response.build();
                    }),
        r -> r.getResourcesCount() + " item(s)");
  }

  @Override
  public CompletionStage<DeleteResponse> delete(DeleteRequest in, Metadata metadata) {
    return handle(
        callers,
        metadata,
        "Delete",
        in.getFqn(),
        caller -> {
          try {
            admission.admitDelete(caller);
          } catch (ProblemException e) {
            return CompletableFuture.failedFuture(e);
          }
          return service
              .delete(in.getFqn(), in.getCascade(), in.getForce(), in.getVersion(), caller)
              .thenApply(
                  deleted ->
                      DeleteResponse.newBuilder()
                          .addAllDeleted(deleted)
                          .setRequestId(caller.requestId())
                          .build());
        },
        r -> r.getDeletedCount() + " deleted");
  }

  static String summary(ApplyResponse response) {
    var counts = new java.util.TreeMap<String, Integer>();
    response
        .getResultsList()
        .forEach(r -> counts.merge(r.getOutcome().name().toLowerCase(), 1, Integer::sum));
    return counts.toString();
  }

  static String summary(java.util.List<ApplyOutcomeView> results) {
    var counts = new java.util.TreeMap<String, Integer>();
    for (var r : results) {
      String key =
          r.skipped()
              ? "skipped"
              : r.problem() != null ? "failed" : r.outcome().name().toLowerCase();
      counts.merge(key, 1, Integer::sum);
    }
    return counts.toString();
  }
}
