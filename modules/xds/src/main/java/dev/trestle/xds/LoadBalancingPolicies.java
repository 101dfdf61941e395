package dev.trestle.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;

/**
 * Cluster {@code load_balancing_policy} values (gRFC A52). A client walks the list and takes the
 * first policy it knows, so a policy not every proxyless client implements is followed by one they
 * all do; the Cluster's legacy {@code lb_policy} stays ROUND_ROBIN for clients that predate A52 and
 * read only that field (grpc-js before custom LB policies).
 */
final class LoadBalancingPolicies {
  private LoadBalancingPolicies() {}

  /**
   * {@code wrr_locality} (locality weights, as the legacy ROUND_ROBIN means in gRPC) over {@code
   * [least_request, round_robin]}: grpc-java picks least_request, grpc-js (which registers no
   * least_request) round_robin. The fallback sits inside wrr_locality because grpc-js fails the
   * whole Cluster when a nested list has no policy it knows.
   */
  static LoadBalancingPolicy leastRequestElseRoundRobin() {
    LoadBalancingPolicy endpointPicking =
        LoadBalancingPolicy.newBuilder()
            .addPolicies(
                policy(
                    "envoy.load_balancing_policies.least_request",
                    LeastRequest.getDefaultInstance()))
            .addPolicies(
                policy(
                    "envoy.load_balancing_policies.round_robin", RoundRobin.getDefaultInstance()))
            .build();
    return LoadBalancingPolicy.newBuilder()
        .addPolicies(
            policy(
                "envoy.load_balancing_policies.wrr_locality",
                WrrLocality.newBuilder().setEndpointPickingPolicy(endpointPicking).build()))
        .build();
  }

  private static LoadBalancingPolicy.Policy policy(String name, Message config) {
    return LoadBalancingPolicy.Policy.newBuilder()
        .setTypedExtensionConfig(
            TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(Any.pack(config)))
        .build();
  }
}
