package dev.trestle.api;

import dev.trestle.protocol.v1.RolloutServicePowerApi;
import dev.trestle.protocol.v1.RolloutStatusRequest;
import dev.trestle.protocol.v1.RolloutStatusResponse;
import dev.trestle.rollouts.RolloutOperations;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of the revision rollouts' status (docs/upgrades.md). */
public final class RolloutGrpcService implements RolloutServicePowerApi {
  private final RolloutOperations rollouts;
  private final CallContext callers;

  public RolloutGrpcService(RolloutOperations rollouts, CallContext callers) {
    this.rollouts = rollouts;
    this.callers = callers;
  }

  @Override
  public CompletionStage<RolloutStatusResponse> getRolloutStatus(
      RolloutStatusRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "GetRolloutStatus",
        in.getRollout().isEmpty() ? "/" : in.getRollout(),
        caller ->
            rollouts
                .status(in.getRollout(), caller)
                .thenApply(s -> RolloutStatusResponse.newBuilder().addAllRollouts(s).build()),
        r -> r.getRolloutsCount() + " rollout(s)");
  }
}
