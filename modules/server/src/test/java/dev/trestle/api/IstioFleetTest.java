package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet view groups clusters by the Istio versions their istiods and proxies run. */
class IstioFleetTest {
  private static ClusterInfo cluster(String name, IstioInventory istio, String... warnings) {
    return ClusterInfo.newBuilder()
        .setFqn("organizations/acme/clusters/" + name)
        .setInventory(Inventory.newBuilder().setIstio(istio))
        .addAllIstioWarnings(List.of(warnings))
        .build();
  }

  private static IstioRevision rev(String name, String version) {
    return IstioRevision.newBuilder().setName(name).setVersion(version).build();
  }

  @Test
  void versionsInNumericOrderWithTheirClustersRevisionsAndProxies() {
    var c1 =
        cluster(
            "c1",
            IstioInventory.newBuilder()
                .addRevisions(rev("1-9-0", "1.9.0"))
                .addRevisions(rev("1-10-2", "1.10.2"))
                .addProxies(
                    IstioProxies.newBuilder().setRevision("1-9-0").setVersion("1.9.0").setCount(4))
                .addProxies(IstioProxies.newBuilder().setRevision("1-9-0").setCount(1))
                .build(),
            "skew");
    var c2 =
        cluster("c2", IstioInventory.newBuilder().addRevisions(rev("default", "1.10.2")).build());
    var c3 = cluster("c3", IstioInventory.getDefaultInstance());

    var fleet = IstioFleet.of(List.of(c1, c2, c3));

    assertThat(fleet.getVersionsList())
        .extracting(v -> v.getVersion())
        .containsExactly("1.9.0", "1.10.2", "");
    assertThat(fleet.getVersions(0).getClustersList())
        .extracting(c -> c.getCluster() + " " + c.getRevisionsList() + " " + c.getProxies())
        .containsExactly("organizations/acme/clusters/c1 [1-9-0] 4");
    assertThat(fleet.getVersions(1).getClustersList())
        .extracting(c -> c.getCluster() + " " + c.getRevisionsList())
        .containsExactly(
            "organizations/acme/clusters/c1 [1-10-2]", "organizations/acme/clusters/c2 [default]");
    assertThat(fleet.getVersions(2).getClusters(0).getProxies()).isEqualTo(1);
    assertThat(fleet.getClustersWithoutIstioList())
        .containsExactly("organizations/acme/clusters/c3");
    assertThat(fleet.getWarningsList()).containsExactly("organizations/acme/clusters/c1: skew");
  }
}
