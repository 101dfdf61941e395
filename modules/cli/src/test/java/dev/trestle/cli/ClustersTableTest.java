package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ClusterHealth;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.ListClustersResponse;
import dev.trestle.protocol.v1.XdsRejection;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code trestle clusters}' table shows the xDS NACKs standing at each cluster's edge. */
class ClustersTableTest {
  private static XdsRejection rejection(String type, String version, String error) {
    return XdsRejection.newBuilder()
        .setNode("grpc-js-1")
        .setTypeUrl("type.googleapis.com/envoy.config." + type)
        .setVersion(version)
        .setError(error)
        .build();
  }

  private static ClusterInfo.Builder cluster(String name) {
    return ClusterInfo.newBuilder()
        .setFqn("organizations/acme/clusters/" + name)
        .setName(name)
        .setHealth(ClusterHealth.CLUSTER_HEALTHY)
        .setConnected(true)
        .setDesiredVersion(7)
        .setAppliedVersion(7);
  }

  @Test
  void anXdsColumnShowsTheOldestStandingNackAndHowManyMore() {
    var clusters =
        ListClustersResponse.newBuilder()
            .addClusters(
                cluster("c1")
                    .addXdsRejections(
                        rejection("cluster.v3.Cluster", "3", "unsupported lb_policy LEAST_REQUEST"))
                    .addXdsRejections(rejection("route.v3.RouteConfiguration", "2", "bad route")))
            .addClusters(cluster("c2"))
            .build();

    String[] lines = ClustersCommand.table(clusters, Instant.now()).split("\n");

    assertThat(lines[0]).endsWith("XDS");
    assertThat(lines[1])
        .contains("organizations/acme/clusters/c1")
        .endsWith("xds NACK: Cluster v3: unsupported lb_policy LEAST_REQUEST (+1 more)");
    assertThat(lines[2]).contains("organizations/acme/clusters/c2").doesNotContain("NACK");
    assertThat(new CommandLine(new ClustersCommand()).getUsageMessage())
        .contains("XDS shows an xDS response");
  }
}
