package dev.trestle.api;

import dev.trestle.gitops.GitOpsOperations;
import dev.trestle.protocol.v1.GitOpsServicePowerApi;
import dev.trestle.protocol.v1.GitOpsStatusRequest;
import dev.trestle.protocol.v1.GitOpsStatusResponse;
import dev.trestle.protocol.v1.GitSourceStatus;
import dev.trestle.protocol.v1.SyncGitSourceRequest;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of GitOps status and forced syncs (docs/gitops.md). */
public final class GitOpsGrpcService implements GitOpsServicePowerApi {
  private final GitOpsOperations gitops;
  private final CallContext callers;

  public GitOpsGrpcService(GitOpsOperations gitops, CallContext callers) {
    this.gitops = gitops;
    this.callers = callers;
  }

  @Override
  public CompletionStage<GitOpsStatusResponse> getGitOpsStatus(
      GitOpsStatusRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "GetGitOpsStatus",
        in.getSource().isEmpty() ? "/" : in.getSource(),
        caller ->
            gitops
                .status(in.getSource(), caller)
                .thenApply(s -> GitOpsStatusResponse.newBuilder().addAllSources(s).build()),
        r -> r.getSourcesCount() + " source(s)");
  }

  @Override
  public CompletionStage<GitSourceStatus> syncGitSource(SyncGitSourceRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "SyncGitSource",
        in.getSource(),
        caller -> gitops.sync(in.getSource(), caller),
        r -> r.getPhase() + " at " + r.getLastAppliedCommit());
  }
}
