package dev.trestle.clusters;

import dev.trestle.protocol.Fqn;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which names stand for a cluster, on the edge port: its FQN ({@code organizations/acme/clusters/
 * eu-west-1a}) or its short name ({@code eu-west-1a}). A join token names its cluster; so must the
 * agent's claim in Hello, a telemetry report's cluster and, with mutual TLS, the agent's client
 * certificate (docs/security.md, "The edge port").
 */
public final class ClusterIdentity {
  private ClusterIdentity() {}

  /** Whether {@code name} names the cluster {@code clusterFqn}. */
  public static boolean names(String clusterFqn, String name) {
    return name.equals(clusterFqn) || name.equals(Fqn.parse(clusterFqn).name());
  }

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
    if (names.stream().anyMatch(n -> names(clusterFqn, n))) {
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
