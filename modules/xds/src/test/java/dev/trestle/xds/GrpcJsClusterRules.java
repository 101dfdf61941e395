package dev.trestle.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.LoadBalancingPolicy;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash;
import io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * grpc-js-xds's rules for accepting a Cluster, written out in Java so that every Cluster the xds
 * module emits in its tests is checked against a second proxyless implementation (grpc-java's own
 * client checks them in modules/edge's {@code XdsClientTest}). A Cluster grpc-js refuses is NACKed
 * and every call to the service fails UNAVAILABLE.
 *
 * <p>Source, repository grpc/grpc-node (grpc-js-xds 1.13.0), read at commit {@code
 * 2670b37a25dcd1e7b655609b0dc041060b1d8921}:
 *
 * <ul>
 *   <li>{@code packages/grpc-js-xds/src/xds-resource-type/cluster-resource-type.ts} (last changed
 *       in {@code fced35a7d1264beedab17fb25e15995e99a3fc94}): {@code validateResource}, {@code
 *       validateNonnegativeDuration}, {@code validatePercentage};
 *   <li>{@code packages/grpc-js-xds/src/lb-policy-registry.ts}: {@code
 *       convertToLoadBalancingConfig} (gRFC A52: the first policy of the list whose type is
 *       registered wins; unknown types are skipped; none known is an error; depth at most 16);
 *   <li>the converters registered by default: {@code lb-policy-registry/round-robin.ts}, {@code
 *       load-balancer-xds-wrr-locality.ts}, {@code load-balancer-ring-hash.ts} (and its {@code
 *       createFromJson} caps); {@code pick-first.ts} and {@code weighted-round-robin.ts} register
 *       only behind flags that default to false;
 *   <li>{@code packages/grpc-js-xds/src/environment.ts}: custom LB config, ring hash and outlier
 *       detection on by default.
 * </ul>
 *
 * <p>{@code transport_socket} ({@code validateTransportSocket} of the same file): an
 * UpstreamTlsContext whose certificate provider instances are in the client's bootstrap, a CA
 * provider required; grpc-js does not read {@code sni} (it is neither validated nor used). Not
 * modelled, because Trestle never emits them: TypedStruct custom policies, reported as errors here
 * so that emitting them one day makes this class grow rather than pass silently.
 */
final class GrpcJsClusterRules {
  private static final String PREFIX = "type.googleapis.com/";
  static final String ROUND_ROBIN =
      PREFIX + "envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin";
  static final String WRR_LOCALITY =
      PREFIX + "envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality";
  static final String RING_HASH =
      PREFIX + "envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash";
  private static final String XDS_TYPED_STRUCT = PREFIX + "xds.type.v3.TypedStruct";
  private static final String UDPA_TYPED_STRUCT = PREFIX + "udpa.type.v1.TypedStruct";
  private static final String CLUSTER_CONFIG =
      PREFIX + "envoy.extensions.clusters.aggregate.v3.ClusterConfig";
  private static final String UPSTREAM_TLS_CONTEXT =
      PREFIX + "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
  private static final int MAX_RECURSION_DEPTH = 16;
  private static final long ABSOLUTE_MAX_RING_SIZE = 8_388_608;

  /**
   * {@code GRPC_EXPERIMENTAL_XDS_CUSTOM_LB_CONFIG}: true by default in 1.13.0; false by default in
   * the releases before A52 was enabled (then {@code load_balancing_policy} is ignored).
   */
  private final boolean customLbConfig;

  /**
   * The certificate provider instances of the client's bootstrap ({@code certificate_providers}).
   */
  private final Set<String> certificateProviders;

  private GrpcJsClusterRules(boolean customLbConfig, Set<String> certificateProviders) {
    this.customLbConfig = customLbConfig;
    this.certificateProviders = Set.copyOf(certificateProviders);
  }

  /**
   * grpc-js-xds 1.13.0 with its default environment, its bootstrap without certificate providers.
   */
  static GrpcJsClusterRules current() {
    return new GrpcJsClusterRules(true, Set.of());
  }

  /** A grpc-js-xds that predates custom LB policies (reads {@code lb_policy} only). */
  static GrpcJsClusterRules withoutCustomLbConfig() {
    return new GrpcJsClusterRules(false, Set.of());
  }

  /** The same client with these certificate provider instances in its bootstrap. */
  GrpcJsClusterRules withCertificateProviders(Set<String> instances) {
    return new GrpcJsClusterRules(customLbConfig, instances);
  }

  /** The errors grpc-js would give for {@code c}; empty when it accepts the Cluster. */
  List<String> errors(Cluster c) {
    var errors = new ArrayList<String>();
    if (customLbConfig && c.hasLoadBalancingPolicy()) {
      try {
        convert(c.getLoadBalancingPolicy(), 0);
      } catch (IllegalArgumentException e) {
        errors.add("load_balancing_policy parsing failed with error " + e.getMessage());
      }
    } else if (c.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN) {
      // xds_wrr_locality(round_robin)
    } else if (c.getLbPolicy() == Cluster.LbPolicy.RING_HASH) {
      if (c.hasRingHashLbConfig()
          && c.getRingHashLbConfig().getHashFunction()
              != Cluster.RingHashLbConfig.HashFunction.XX_HASH) {
        errors.add(
            "unsupported ring_hash_lb_config.hash_function: "
                + c.getRingHashLbConfig().getHashFunction());
      }
      if (c.getRingHashLbConfig().hasMinimumRingSize()
          && c.getRingHashLbConfig().getMinimumRingSize().getValue() > ABSOLUTE_MAX_RING_SIZE) {
        errors.add("ring_hash_lb_config.minimum_ring_size is too large");
      }
      if (c.getRingHashLbConfig().hasMaximumRingSize()
          && c.getRingHashLbConfig().getMaximumRingSize().getValue() > ABSOLUTE_MAX_RING_SIZE) {
        errors.add("ring_hash_lb_config.maximum_ring_size is too large");
      }
    } else if (customLbConfig) {
      errors.add("load_balancing_policy unset and unsupported lb_policy: " + c.getLbPolicy());
    } else {
      errors.add("unsupported lb_policy: " + c.getLbPolicy());
    }
    if (c.hasLrsServer() && !c.getLrsServer().hasSelf()) {
      errors.add("lrs_server set but lrs_server.self unset");
    }
    if (c.hasOutlierDetection()) {
      var od = c.getOutlierDetection();
      durationInRange(errors, "interval", od.hasInterval(), od.getInterval());
      durationInRange(
          errors, "base_ejection_time", od.hasBaseEjectionTime(), od.getBaseEjectionTime());
      durationInRange(
          errors, "max_ejection_time", od.hasMaxEjectionTime(), od.getMaxEjectionTime());
      percentage(
          errors, "max_ejection_percent", od.hasMaxEjectionPercent(), od.getMaxEjectionPercent());
      percentage(
          errors,
          "enforcing_success_rate",
          od.hasEnforcingSuccessRate(),
          od.getEnforcingSuccessRate());
      percentage(
          errors,
          "failure_percentage_threshold",
          od.hasFailurePercentageThreshold(),
          od.getFailurePercentageThreshold());
      percentage(
          errors,
          "enforcing_failure_percentage",
          od.hasEnforcingFailurePercentage(),
          od.getEnforcingFailurePercentage());
    }
    if (c.hasTransportSocket()) {
      transportSocket(errors, c.getTransportSocket());
    }
    switch (c.getClusterDiscoveryTypeCase()) {
      case CLUSTER_TYPE -> aggregate(errors, c);
      case TYPE -> {
        switch (c.getType()) {
          case EDS -> eds(errors, c);
          case LOGICAL_DNS -> logicalDns(errors, c);
          default -> errors.add("Unsupported type " + c.getType());
        }
      }
      // Neither set: proto-loader's default for type is STATIC.
      default -> errors.add("Unsupported type STATIC");
    }
    return errors;
  }

  /** {@code validateTransportSocket}: the errors are grpc-js's own texts. */
  private void transportSocket(List<String> errors, TransportSocket socket) {
    if (!socket.hasTypedConfig()) {
      errors.add("transport_socket.typed_config unset");
      return;
    }
    if (!socket.getTypedConfig().getTypeUrl().equals(UPSTREAM_TLS_CONTEXT)) {
      errors.add(
          "Unexpected transport_socket.typed_config.type_url: "
              + socket.getTypedConfig().getTypeUrl());
      return;
    }
    UpstreamTlsContext upstream = unpack(socket.getTypedConfig(), UpstreamTlsContext.class);
    if (!upstream.hasCommonTlsContext()) {
      errors.add("UpstreamTlsContext.common_tls_context unset");
      return;
    }
    CommonTlsContext common = upstream.getCommonTlsContext();
    if (common.hasTlsCertificateProviderInstance()) {
      String name = common.getTlsCertificateProviderInstance().getInstanceName();
      if (!certificateProviders.contains(name)) {
        errors.add(
            "Unmatched UpstreamTlsContext.tls_certificate_provider_instance.instance_name: "
                + name);
      }
    } else {
      String unset = "UpstreamTlsContext.common_tls_contexttls_certificate_provider_instance unset";
      if (common.getTlsCertificatesCount() > 0) {
        errors.add(unset + " but UpstreamTlsContext.common_tls_context.tls_certificates populated");
      }
      if (common.getTlsCertificateSdsSecretConfigsCount() > 0) {
        errors.add(
            unset
                + " but UpstreamTlsContext.common_tls_context.tls_certificates_sds_secret_config"
                + " populated");
      }
    }
    if (common.hasTlsParams()) {
      errors.add("UpstreamTlsContext.common_tls_context.tls_params set");
    }
    if (common.hasCustomHandshaker()) {
      errors.add("UpstreamTlsContext.common_tls_context.custom_handshaker set");
    }
    CertificateValidationContext validation;
    switch (common.getValidationContextTypeCase()) {
      case VALIDATION_CONTEXT -> validation = common.getValidationContext();
      case COMBINED_VALIDATION_CONTEXT -> {
        if (!common.getCombinedValidationContext().hasDefaultValidationContext()) {
          errors.add(
              "Empty UpstreamTlsContext.common_tls_context.combined_validation_context"
                  + ".default_validation_context");
          return;
        }
        validation = common.getCombinedValidationContext().getDefaultValidationContext();
      }
      case VALIDATION_CONTEXT_SDS_SECRET_CONFIG -> {
        errors.add(
            "Unexpected"
                + " UpstreamTlsContext.common_tls_context.validation_context_sds_secret_config");
        return;
      }
      default -> {
        errors.add(
            "Unsupported UpstreamTlsContext.common_tls_context.validation_context_type: "
                + common.getValidationContextTypeCase());
        return;
      }
    }
    if (validation.getVerifyCertificateSpkiCount() > 0) {
      errors.add("ValidationContext.verify_certificate_spki populated");
    }
    if (validation.getVerifyCertificateHashCount() > 0) {
      errors.add("ValidationContext.verify_certificate_hash populated");
    }
    // A BoolValue message: grpc-js refuses it whenever present, even false.
    if (validation.hasRequireSignedCertificateTimestamp()) {
      errors.add("ValidationContext.require_signed_certificate_timestamp set");
    }
    if (validation.hasCrl()) {
      errors.add("ValidationContext.crl set");
    }
    if (validation.hasCustomValidatorConfig()) {
      errors.add("ValidationContext.custom_validator_config set");
    }
    if (!validation.hasCaCertificateProviderInstance()) {
      errors.add("ValidationContext.ca_certificate_provider_instance unset");
    } else if (!certificateProviders.contains(
        validation.getCaCertificateProviderInstance().getInstanceName())) {
      errors.add(
          "Unmatched ValidationContext.ca_certificate_provider_instance.instance_name: "
              + validation.getCaCertificateProviderInstance().getInstanceName());
    }
  }

  private static void aggregate(List<String> errors, Cluster c) {
    if (!c.getClusterType().hasTypedConfig()) {
      errors.add("cluster_type.typed_config unset");
      return;
    }
    Any config = c.getClusterType().getTypedConfig();
    if (!config.getTypeUrl().equals(CLUSTER_CONFIG)) {
      errors.add("Unexpected cluster_type.typed_config.type_url: " + config.getTypeUrl());
      return;
    }
    if (unpack(config, ClusterConfig.class).getClustersCount() == 0) {
      errors.add("cluster_type.typed_config.clusters.length == 0");
    }
  }

  private static void eds(List<String> errors, Cluster c) {
    if (!c.hasEdsClusterConfig()) {
      errors.add("type == EDS but eds_cluster_config is unset");
      return;
    }
    var eds = c.getEdsClusterConfig();
    if (!eds.getEdsConfig().hasAds() && !eds.getEdsConfig().hasSelf()) {
      errors.add(
          "eds_cluster_config.eds_config.ads and eds_cluster_config.eds_config.self both unset");
    }
    if (c.getName().startsWith("xdstp:") && eds.getServiceName().isEmpty()) {
      errors.add("name starts with \"xdstp:\" and eds_cluster_config.service_name is empty");
    }
  }

  private static void logicalDns(List<String> errors, Cluster c) {
    if (!c.hasLoadAssignment()) {
      errors.add("load_assignment unset");
      return;
    }
    var la = c.getLoadAssignment();
    if (la.getEndpointsCount() != 1) {
      errors.add("load_assignment.endpoints.length == " + la.getEndpointsCount());
      return;
    }
    if (la.getEndpoints(0).getLbEndpointsCount() != 1) {
      errors.add("load_assignment.endpoints[0].lb_endpoints.length != 1");
      return;
    }
    var address = la.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress();
    if (!address.hasSocketAddress()) {
      errors.add("socket_address is not set");
      return;
    }
    if (address.getSocketAddress().getAddress().isEmpty()) {
      errors.add("socket_address.address is empty");
    }
    if (!address.getSocketAddress().hasPortValue()) {
      errors.add("Unsupported socket_address port specifier");
    }
  }

  private static void durationInRange(
      List<String> errors, String field, boolean present, Duration d) {
    if (present
        && !(d.getSeconds() >= 0
            && d.getSeconds() <= 315_576_000_000L
            && d.getNanos() >= 0
            && d.getNanos() <= 999_999_999)) {
      errors.add("outlier_detection." + field + " out of range");
    }
  }

  private static void percentage(
      List<String> errors, String field, boolean present, UInt32Value v) {
    if (present && Integer.toUnsignedLong(v.getValue()) > 100) {
      errors.add("outlier_detection." + field + " out of range");
    }
  }

  /**
   * {@code convertToLoadBalancingConfig}, returning the chosen policy's name ({@code round_robin},
   * {@code xds_wrr_locality(round_robin)}, ...) or throwing what grpc-js throws.
   */
  static String convert(LoadBalancingPolicy policy, int depth) {
    if (depth > MAX_RECURSION_DEPTH) {
      throw new IllegalArgumentException(
          "convertToLoadBalancingConfig: Max recursion depth " + MAX_RECURSION_DEPTH + " reached");
    }
    for (LoadBalancingPolicy.Policy candidate : policy.getPoliciesList()) {
      TypedExtensionConfig ext = candidate.getTypedExtensionConfig();
      if (!candidate.hasTypedExtensionConfig() || !ext.hasTypedConfig()) {
        continue;
      }
      String typeUrl = ext.getTypedConfig().getTypeUrl();
      String chosen;
      try {
        chosen = convertOne(ext.getTypedConfig(), depth);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Error parsing "
                + typeUrl
                + " LoadBalancingPolicy named "
                + ext.getName()
                + ": "
                + e.getMessage(),
            e);
      }
      if (chosen != null) {
        return chosen;
      }
    }
    throw new IllegalArgumentException("No registered LB policy found in list");
  }

  /** One registered converter; null for a type no converter is registered for (skipped). */
  private static String convertOne(Any config, int depth) {
    switch (config.getTypeUrl()) {
      case ROUND_ROBIN -> {
        return "round_robin";
      }
      case WRR_LOCALITY -> {
        WrrLocality wrr = unpack(config, WrrLocality.class);
        if (!wrr.hasEndpointPickingPolicy()) {
          throw new IllegalArgumentException(
              "WRR Locality LB parsing error: no endpoint_picking_policy specified");
        }
        return "xds_wrr_locality(" + convert(wrr.getEndpointPickingPolicy(), depth + 1) + ")";
      }
      case RING_HASH -> {
        RingHash ring = unpack(config, RingHash.class);
        if (ring.getHashFunction() != RingHash.HashFunction.XX_HASH) {
          throw new IllegalArgumentException(
              "Ring Hash LB policy parsing error: unexpected hash function "
                  + ring.getHashFunction());
        }
        if (ring.getMinimumRingSize().getValue() > ABSOLUTE_MAX_RING_SIZE
            || ring.getMaximumRingSize().getValue() > ABSOLUTE_MAX_RING_SIZE) {
          throw new IllegalArgumentException("ring_hash config field exceeds the cap");
        }
        return "ring_hash";
      }
      case XDS_TYPED_STRUCT, UDPA_TYPED_STRUCT ->
          throw new IllegalArgumentException(
              "TypedStruct custom policies are not modelled by this test validator");
      default -> {
        return null;
      }
    }
  }

  private static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot decode " + any.getTypeUrl(), e);
    }
  }
}
