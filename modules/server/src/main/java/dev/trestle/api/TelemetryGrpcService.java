package dev.trestle.api;

import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.ServiceTrafficResponse;
import dev.trestle.protocol.v1.TelemetryQueryPowerApi;
import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopServicesResponse;
import dev.trestle.protocol.v1.TopologyRequest;
import dev.trestle.protocol.v1.TopologyResponse;
import dev.trestle.telemetry.TrafficQueries;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.javadsl.Metadata;

/** gRPC façade of the telemetry queries (docs/telemetry.md); REST goes through it too. */
public final class TelemetryGrpcService implements TelemetryQueryPowerApi {
  private final TrafficQueries queries;
  private final CallContext callers;

  public TelemetryGrpcService(TrafficQueries queries, CallContext callers) {
    this.queries = queries;
    this.callers = callers;
  }

  @Override
  public CompletionStage<ServiceTrafficResponse> serviceTraffic(
      ServiceTrafficRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "ServiceTraffic",
        in.getService(),
        caller -> queries.serviceTraffic(in, caller),
        r -> r.getServicesCount() + " service(s)");
  }

  @Override
  public CompletionStage<TopServicesResponse> topServices(TopServicesRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "TopServices",
        in.getScope().isEmpty() ? "/" : in.getScope(),
        caller -> queries.topServices(in, caller),
        r -> r.getServicesCount() + " service(s)");
  }

  @Override
  public CompletionStage<TopologyResponse> topology(TopologyRequest in, Metadata md) {
    return ManagementGrpcService.handle(
        callers,
        md,
        "Topology",
        in.getScope().isEmpty() ? "/" : in.getScope(),
        caller -> queries.topology(in, caller),
        r -> r.getNodesCount() + " node(s), " + r.getEdgesCount() + " edge(s)");
  }
}
