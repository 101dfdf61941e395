package dev.trestle.xds;

/**
 * Opt-in TLS from proxyless gRPC clients to other clusters' east-west gateways (gRFC A29): the
 * client's bootstrap defines a certificate provider instance ({@code certificate_providers}, e.g.
 * the {@code file_watcher} plugin over the workload certificate Istio's agent writes), named here;
 * its certificate is the client's identity and its CA validates the server. Without it a Cluster
 * never names a provider: a client whose bootstrap lacks the instance would NACK every Cluster.
 *
 * @param providerInstance the certificate provider instance's name in the client's bootstrap
 */
public record GatewayTls(String providerInstance) {
  /** Istio's label on a ServiceEntry endpoint reached with Istio mutual TLS (a remote gateway). */
  public static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";

  public GatewayTls {
    if (providerInstance == null || providerInstance.isBlank()) {
      throw new IllegalArgumentException("the certificate provider instance name must be set");
    }
  }
}
