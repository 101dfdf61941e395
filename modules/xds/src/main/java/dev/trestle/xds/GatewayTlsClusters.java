package dev.trestle.xds;

import com.google.protobuf.Any;
import dev.trestle.xds.XdsModel.ClusterModel;
import dev.trestle.xds.XdsModel.EndpointModel;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;

/**
 * With {@link GatewayTls}, the clusters of a port that other clusters' gateways serve: gRPC's xDS
 * client takes one transport per Cluster (it NACKs transport_socket_matches, which Envoy uses to
 * send mTLS only to some endpoints), so {@code outbound|P|S|H} becomes an aggregate cluster (gRFC
 * A37) of {@code outbound|P|S|H~plain} (the local endpoints, plaintext, first) and {@code
 * outbound|P|S|H~mtls} (the endpoints labelled {@code security.istio.io/tlsMode: istio}, the remote
 * gateways, over TLS with the certificate provider's identity and CA, and the SNI Istio's
 * AUTO_PASSTHROUGH gateways route on, {@code outbound_.P_.S_.H}; grpc-java reads it, but Java's TLS
 * stack does not send a name with underscores, docs/xds.md). The aggregate lists the children that
 * have an endpoint ({@link #aggregate}), so a client moves to the gateways when the local endpoints
 * are all unhealthy and back when one is healthy again, as it moved between the locality priorities
 * of one cluster.
 */
final class GatewayTlsClusters {
  static final String PLAIN = "~plain";
  static final String MTLS = "~mtls";
  static final String AGGREGATE_TYPE = "envoy.clusters.aggregate";
  static final String TLS_SOCKET = "envoy.transport_sockets.tls";

  private GatewayTlsClusters() {}

  /** True when some endpoint of the cluster's port (healthy or not) is a remote gateway. */
  static boolean applies(ClusterModel c) {
    return c.portModel() != null
        && c.portModel().endpoints().stream().anyMatch(GatewayTlsClusters::meshTls);
  }

  static boolean meshTls(EndpointModel e) {
    return "istio".equals(e.labels().get(GatewayTls.TLS_MODE_LABEL));
  }

  static ClusterModel child(ClusterModel c, String suffix) {
    return new ClusterModel(
        c.name() + suffix, c.host(), c.port(), c.subset(), c.subsetLabels(), c.dr(), c.portModel());
  }

  /**
   * The aggregate named after the cluster: of its plaintext child and its TLS child, in that order,
   * those with an endpoint; both when neither has one.
   *
   * <p>Why not always both: grpc-java (1.85) takes a child cluster whose endpoints all went away as
   * a resolution error, and its round_robin keeps the subchannels it has, so with the local pods
   * unhealthy but still accepting connections every call would keep going to them and the aggregate
   * would never move on to the gateways (seen in XdsClientTest). Leaving the empty child out of the
   * list makes the client drop that priority, as it drops an empty locality priority within one
   * cluster.
   */
  static Cluster aggregate(
      ClusterModel c, ClusterLoadAssignment plain, ClusterLoadAssignment mtls) {
    var children = new ArrayList<String>();
    if (hasEndpoint(plain) || !hasEndpoint(mtls)) {
      children.add(plain.getClusterName());
    }
    if (hasEndpoint(mtls) || !hasEndpoint(plain)) {
      children.add(mtls.getClusterName());
    }
    return Cluster.newBuilder()
        .setName(c.name())
        .setClusterType(
            Cluster.CustomClusterType.newBuilder()
                .setName(AGGREGATE_TYPE)
                .setTypedConfig(
                    Any.pack(ClusterConfig.newBuilder().addAllClusters(children).build())))
        // lb_policy left at ROUND_ROBIN, not Envoy's CLUSTER_PROVIDED: gRPC does not use an
        // aggregate's policy, and ROUND_ROBIN is one every gRPC client parses.
        .build();
  }

  private static boolean hasEndpoint(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream().anyMatch(l -> l.getLbEndpointsCount() > 0);
  }

  /** {@code plain} with the TLS transport socket towards the gateways. */
  static Cluster withTls(Cluster plain, ClusterModel c, GatewayTls tls) {
    var context =
        UpstreamTlsContext.newBuilder()
            .setSni(sni(c))
            .setCommonTlsContext(
                CommonTlsContext.newBuilder()
                    .setTlsCertificateProviderInstance(provider(tls, "default"))
                    .setValidationContext(
                        CertificateValidationContext.newBuilder()
                            .setCaCertificateProviderInstance(provider(tls, "ROOTCA"))))
            .build();
    return plain.toBuilder()
        .setTransportSocket(
            TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Any.pack(context)))
        .build();
  }

  private static CertificateProviderPluginInstance provider(GatewayTls tls, String certificate) {
    return CertificateProviderPluginInstance.newBuilder()
        .setInstanceName(tls.providerInstance())
        .setCertificateName(certificate)
        .build();
  }

  /** Istio's SNI for a service port and subset: {@code outbound_.8080_.v1_.cart.ns.svc...}. */
  static String sni(ClusterModel c) {
    return "outbound_." + c.port() + "_." + c.subset() + "_." + c.host();
  }
}
