package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ClusterHealth;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import dev.trestle.protocol.v1.IstioRevisionTag;
import dev.trestle.protocol.v1.IstioVersionCluster;
import dev.trestle.protocol.v1.IstioVersionUse;
import dev.trestle.protocol.v1.ListClustersResponse;
import dev.trestle.protocol.v1.ListIstioVersionsResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code trestle clusters -o wide} and {@code trestle clusters versions}. */
class IstioTablesTest {
  @Test
  void wideAddsIstiodTagsProxiesAndWarningLines() {
    var istio =
        IstioInventory.newBuilder()
            .addRevisions(
                IstioRevision.newBuilder().setName("1-21-3").setVersion("1.21.3").setReady(true))
            .addRevisions(IstioRevision.newBuilder().setName("1-22-1").setVersion("1.22.1"))
            .addTags(IstioRevisionTag.newBuilder().setTag("stable").setRevision("1-21-3"))
            .addProxies(
                IstioProxies.newBuilder().setRevision("1-21-3").setVersion("1.19.0").setCount(1))
            .addProxies(
                IstioProxies.newBuilder().setRevision("1-21-3").setVersion("1.21.3").setCount(2));
    var clusters =
        ListClustersResponse.newBuilder()
            .addClusters(
                ClusterInfo.newBuilder()
                    .setFqn("organizations/acme/clusters/c1")
                    .setHealth(ClusterHealth.CLUSTER_HEALTHY)
                    .setInventory(Inventory.newBuilder().setIstio(istio))
                    .addIstioWarnings("1 proxy at 1.19.0 on revision 1-21-3 lag istiod"))
            .build();

    String[] lines = ClustersCommand.table(clusters, Instant.now(), true).split("\n");

    assertThat(lines[0]).contains("ISTIOD").contains("TAGS").endsWith("PROXIES");
    assertThat(lines[1])
        .contains("1-21-3=1.21.3, 1-22-1=1.22.1!")
        .contains("stable>1-21-3")
        .endsWith("1.19.0:1, 1.21.3:2");
    assertThat(lines[2]).isEqualTo("  ! 1 proxy at 1.19.0 on revision 1-21-3 lag istiod");
    assertThat(ClustersCommand.table(clusters, Instant.now()).split("\n")[0])
        .doesNotContain("ISTIOD");
  }

  @Test
  void versionsListsEachClusterPerVersionThenTheRest() {
    var fleet =
        ListIstioVersionsResponse.newBuilder()
            .addVersions(
                IstioVersionUse.newBuilder()
                    .setVersion("1.21.3")
                    .addClusters(
                        IstioVersionCluster.newBuilder()
                            .setCluster("organizations/acme/clusters/c1")
                            .addRevisions("1-21-3")
                            .setProxies(14)))
            .addVersions(
                IstioVersionUse.newBuilder()
                    .setVersion("")
                    .addClusters(
                        IstioVersionCluster.newBuilder()
                            .setCluster("organizations/acme/clusters/c2")
                            .setProxies(3)))
            .addClustersWithoutIstio("organizations/acme/clusters/c3")
            .addWarnings("organizations/acme/clusters/c1: skew")
            .build();

    String text = IstioVersionsCommand.table(fleet);

    assertThat(text.split("\n")[1])
        .matches("1\\.21\\.3 +organizations/acme/clusters/c1 +1-21-3 +14");
    assertThat(text.split("\n")[2]).matches("unknown +organizations/acme/clusters/c2 +- +3");
    assertThat(text)
        .contains("without istiod: organizations/acme/clusters/c3")
        .contains("! organizations/acme/clusters/c1: skew");
  }
}
