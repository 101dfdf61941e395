package dev.trestle.clusters;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * With mutual TLS on the edge port, the agent's client certificate must name the cluster its join
 * token is for, by the names JoinTokens.claims accepts (FQN or short name), like the agent's claim
 * in Hello and a telemetry report's cluster (docs/security.md, "The edge port").
 */
public final class ClusterIdentity {
  private ClusterIdentity() {}

  /**
   * Why a client certificate may not speak for the cluster, if it may not: {@code certificateNames}
   * is empty when the port takes no client certificates, else the names the certificate carries
   * (subject CN and DNS subject alternative names, comma-separated), of which one must name the
   * cluster.
   */
  public static Optional<String> certificateRefusal(
      String clusterFqn, Optional<String> certificateNames) {
    if (certificateNames.isEmpty()) {
      return Optional.empty();
    }
    List<String> names =
        Arrays.stream(certificateNames.get().split(",")).filter(n -> !n.isBlank()).toList();
    if (names.stream().anyMatch(n -> JoinTokens.claims(clusterFqn, n))) {
      return Optional.empty();
    }
    return Optional.of(
        "the client certificate is for "
            + (names.isEmpty() ? "no cluster name" : String.join(", ", names))
            + ", not for cluster "
            + clusterFqn
            + ": its subject CN or a DNS subject alternative name must be the cluster's name or"
            + " FQN");
  }
}
