package dev.trestle.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The test-side grpc-js rules refuse what grpc-js refuses (so passing them means something). */
class GrpcJsClusterRulesTest {
  private static Cluster.Builder eds() {
    return Cluster.newBuilder()
        .setName("outbound|8080||cart.checkout.svc.cluster.local")
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setEdsConfig(ListenerBuilder.ads())
                .setServiceName("outbound|8080||cart.checkout.svc.cluster.local"));
  }

  private static LoadBalancingPolicy.Policy leastRequest() {
    return LoadBalancingPolicy.Policy.newBuilder()
        .setTypedExtensionConfig(
            TypedExtensionConfig.newBuilder()
                .setName("least_request")
                .setTypedConfig(Any.pack(LeastRequest.getDefaultInstance())))
        .build();
  }

  @Test
  void theLegacyLeastRequestClusterServedBeforeIsRefused() {
    Cluster before = eds().setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST).build();
    assertThat(GrpcJsClusterRules.current().errors(before))
        .containsExactly("load_balancing_policy unset and unsupported lb_policy: LEAST_REQUEST");
    assertThat(GrpcJsClusterRules.withoutCustomLbConfig().errors(before))
        .containsExactly("unsupported lb_policy: LEAST_REQUEST");
  }

  @Test
  void aPolicyListWithoutAKnownPolicyIsRefusedEvenNestedInWrrLocality() {
    var onlyLeastRequest = LoadBalancingPolicy.newBuilder().addPolicies(leastRequest()).build();
    assertThat(
            GrpcJsClusterRules.current()
                .errors(eds().setLoadBalancingPolicy(onlyLeastRequest).build()))
        .containsExactly(
            "load_balancing_policy parsing failed with error No registered LB policy found in"
                + " list");
    var nested =
        LoadBalancingPolicy.newBuilder()
            .addPolicies(
                LoadBalancingPolicy.Policy.newBuilder()
                    .setTypedExtensionConfig(
                        TypedExtensionConfig.newBuilder()
                            .setName("wrr")
                            .setTypedConfig(
                                Any.pack(
                                    WrrLocality.newBuilder()
                                        .setEndpointPickingPolicy(onlyLeastRequest)
                                        .build()))))
            .build();
    assertThat(GrpcJsClusterRules.current().errors(eds().setLoadBalancingPolicy(nested).build()))
        .singleElement()
        .asString()
        .contains("Error parsing " + GrpcJsClusterRules.WRR_LOCALITY)
        .endsWith("No registered LB policy found in list");
  }

  @Test
  void whatTrestleServesForLeastRequestIsAccepted() {
    Cluster served =
        eds().setLoadBalancingPolicy(LoadBalancingPolicies.leastRequestElseRoundRobin()).build();
    assertThat(GrpcJsClusterRules.current().errors(served)).isEmpty();
    assertThat(GrpcJsClusterRules.withoutCustomLbConfig().errors(served)).isEmpty();
    assertThat(GrpcJsClusterRules.convert(served.getLoadBalancingPolicy(), 0))
        .isEqualTo("xds_wrr_locality(round_robin)");
  }

  @Test
  void edsWithoutAdsAndOutOfRangePercentagesAreRefused() {
    Cluster noAds =
        eds()
            .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setServiceName("x"))
            .build();
    assertThat(GrpcJsClusterRules.current().errors(noAds))
        .containsExactly(
            "eds_cluster_config.eds_config.ads and eds_cluster_config.eds_config.self both unset");
    Cluster badPercent =
        eds()
            .setOutlierDetection(
                OutlierDetection.newBuilder().setMaxEjectionPercent(UInt32Value.of(101)))
            .build();
    assertThat(GrpcJsClusterRules.current().errors(badPercent))
        .containsExactly("outlier_detection.max_ejection_percent out of range");
  }

  /** grpc-js takes a TLS cluster only when its bootstrap has the providers it names. */
  @Test
  void aTlsClusterNeedsItsCertificateProvidersInTheBootstrapAndACaProvider() {
    var model =
        new XdsModel.ClusterModel(
            "outbound|8080||cart.checkout.svc.cluster.local~mtls",
            "cart.checkout.svc.cluster.local",
            8080,
            "",
            Map.of(),
            null,
            null);
    Cluster tls = GatewayTlsClusters.withTls(eds().build(), model, new GatewayTls("default"));
    assertThat(GrpcJsClusterRules.current().withCertificateProviders(Set.of("default")).errors(tls))
        .isEmpty();
    assertThat(GrpcJsClusterRules.current().errors(tls))
        .containsExactly(
            "Unmatched UpstreamTlsContext.tls_certificate_provider_instance.instance_name: default",
            "Unmatched ValidationContext.ca_certificate_provider_instance.instance_name: default");
    var noCa =
        UpstreamTlsContext.newBuilder()
            .setCommonTlsContext(
                CommonTlsContext.newBuilder()
                    .setValidationContext(CertificateValidationContext.getDefaultInstance()))
            .build();
    Cluster withoutCa =
        eds()
            .setTransportSocket(
                TransportSocket.newBuilder()
                    .setName("envoy.transport_sockets.tls")
                    .setTypedConfig(Any.pack(noCa)))
            .build();
    assertThat(GrpcJsClusterRules.current().errors(withoutCa))
        .containsExactly("ValidationContext.ca_certificate_provider_instance unset");
  }
}
