package dev.trestle.api;

import dev.trestle.clusters.ClusterOperations;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.TokenLifetime;
import dev.trestle.protocol.v1.ClusterServicePowerApi;
import dev.trestle.protocol.v1.GetStatusRequest;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.IssueJoinTokenResponse;
import dev.trestle.protocol.v1.ListClustersRequest;
import dev.trestle.protocol.v1.ListClustersResponse;
import dev.trestle.protocol.v1.ListIstioVersionsRequest;
import dev.trestle.protocol.v1.ListIstioVersionsResponse;
import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.RevokeJoinTokenRequest;
import dev.trestle.protocol.v1.RevokeJoinTokenResponse;
import dev.trestle.protocol.v1.SyncState;
import dev.trestle.protocol.v1.WaitForStatusRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of cluster onboarding and sync status. */
public final class ClusterGrpcService implements ClusterServicePowerApi {
  private final ClusterOperations clusters;
  private final CallContext callers;

  public ClusterGrpcService(ClusterOperations clusters, CallContext callers) {
    this.clusters = clusters;
    this.callers = callers;
  }

  @Override
  public CompletionStage<ListClustersResponse> listClusters(ListClustersRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "ListClusters",
        "/",
        caller ->
            (in.getFqn().isEmpty()
                    ? clusters.list(caller, in.getPageSize(), in.getPageToken())
                    : clusters.one(in.getFqn(), caller))
                .thenApply(page -> ClusterViews.page(page).build()),
        r -> r.getClustersCount() + " cluster(s)");
  }

  @Override
  public CompletionStage<IssueJoinTokenResponse> issueJoinToken(
      IssueJoinTokenRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "IssueJoinToken",
        in.getCluster(),
        caller ->
            clusters
                .issueToken(
                    in.getCluster(),
                    in.getRotate(),
                    TokenLifetime.of(in.hasTtl(), in.getTtl().getSeconds(), in.getTtl().getNanos()),
                    in.getSingleUse(),
                    caller)
                .thenApply(t -> ClusterViews.issued(t).build()),
        // The token itself is never logged.
        r -> "join token " + r.getTokenId() + " issued for " + r.getCluster());
  }

  @Override
  public CompletionStage<RevokeJoinTokenResponse> revokeJoinToken(
      RevokeJoinTokenRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "RevokeJoinToken",
        in.getCluster(),
        caller ->
            clusters
                .revokeTokens(in.getCluster(), in.getTokenId(), caller)
                .thenApply(
                    r ->
                        RevokeJoinTokenResponse.newBuilder()
                            .setCluster(r.cluster())
                            .addAllRevokedTokenIds(r.tokenIds())
                            .build()),
        r -> r.getRevokedTokenIdsCount() + " token(s) revoked");
  }

  @Override
  public CompletionStage<ResourceStatus> getStatus(GetStatusRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "GetStatus",
        in.getFqn(),
        caller -> clusters.status(in.getFqn(), caller),
        r -> r.getState().name());
  }

  @Override
  public CompletionStage<ResourceStatus> waitForStatus(WaitForStatusRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "WaitForStatus",
        in.getFqn(),
        caller -> {
          if (in.getForState() != SyncState.SYNC_APPLIED
              && in.getForState() != SyncState.SYNC_STATE_UNSPECIFIED) {
            return CompletableFuture.failedFuture(
                new ProblemException(
                    Problem.invalidField(
                        "for_state",
                        "only SYNC_APPLIED can be waited for, not " + in.getForState())));
          }
          Duration timeout =
              in.hasTimeout()
                  ? Duration.ofSeconds(in.getTimeout().getSeconds(), in.getTimeout().getNanos())
                  : Duration.ofSeconds(60);
          return clusters.waitForApplied(in.getFqn(), timeout, caller);
        },
        r -> r.getState().name());
  }

  @Override
  public CompletionStage<ListIstioVersionsResponse> listIstioVersions(
      ListIstioVersionsRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "ListIstioVersions",
        "/",
        caller ->
            clusters
                .list(caller, 0, "")
                .thenApply(page -> IstioFleet.of(ClusterViews.page(page).getClustersList())),
        r -> r.getVersionsCount() + " Istio version(s)");
  }
}
