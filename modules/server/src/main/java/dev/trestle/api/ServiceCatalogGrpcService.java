package dev.trestle.api;

import dev.trestle.clusters.ClusterOperations;
import dev.trestle.protocol.v1.ListServicesRequest;
import dev.trestle.protocol.v1.ListServicesResponse;
import dev.trestle.protocol.v1.ServiceCatalogPowerApi;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of the service catalog (READ on the clusters listed; docs/multicluster.md). */
public final class ServiceCatalogGrpcService implements ServiceCatalogPowerApi {
  private final ClusterOperations clusters;
  private final CallContext callers;

  public ServiceCatalogGrpcService(ClusterOperations clusters, CallContext callers) {
    this.clusters = clusters;
    this.callers = callers;
  }

  @Override
  public CompletionStage<ListServicesResponse> listServices(ListServicesRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "ListServices",
        "/",
        caller ->
            clusters
                .services(in.getNamespace(), caller)
                .thenApply(s -> ListServicesResponse.newBuilder().addAllServices(s).build()),
        r -> r.getServicesCount() + " service(s)");
  }
}
