package dev.trestle.clusters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import dev.trestle.protocol.v1.IstioRevisionTag;
import org.junit.jupiter.api.Test;

/** Istio's supported control plane/data plane skew (docs/upgrades.md). */
class IstioSkewTest {
  private static IstioInventory.Builder istiod(String rev, String version) {
    return IstioInventory.newBuilder()
        .addRevisions(IstioRevision.newBuilder().setName(rev).setVersion(version).setReady(true));
  }

  private static IstioProxies proxies(String rev, String version, int count) {
    return IstioProxies.newBuilder().setRevision(rev).setVersion(version).setCount(count).build();
  }

  @Test
  void proxiesOneMinorBehindAreSupportedTwoAreNot() {
    var istio =
        istiod("1-22-1", "1.22.1")
            .addProxies(proxies("1-22-1", "1.22.0", 5))
            .addProxies(proxies("1-22-1", "1.21.3", 4))
            .addProxies(proxies("1-22-1", "1.20.2", 3))
            .build();
    assertThat(IstioSkew.warnings(istio))
        .containsExactly(
            "3 proxies at 1.20.2 on revision 1-22-1 lag istiod 1.22.1 by 2 minor versions: Istio"
                + " supports 1; restart their workloads");
  }

  @Test
  void proxiesAheadOfTheirIstiodOrWithoutOneAreFlagged() {
    var istio =
        istiod("1-21-3", "1.21.3")
            .addProxies(proxies("1-21-3", "1.22.0", 1))
            .addProxies(proxies("1-19-0", "1.19.0", 2))
            .build();
    assertThat(IstioSkew.warnings(istio))
        .containsExactly(
            "1 proxy at 1.22.0 on revision 1-21-3 are newer than their istiod (1.21.3): Istio does"
                + " not support proxies ahead of the control plane",
            "2 proxies of revision 1-19-0 have no istiod of that revision (it was removed?)");
  }

  @Test
  void aTagResolvesToItsRevisionsIstiod() {
    var istio =
        istiod("1-22-1", "1.22.1")
            .addTags(IstioRevisionTag.newBuilder().setTag("stable").setRevision("1-22-1"))
            .addProxies(proxies("stable", "1.19.9", 1))
            .build();
    assertThat(IstioSkew.warnings(istio)).singleElement().asString().contains("by 3 minor");
  }

  @Test
  void unknownVersionsAndClustersWithoutIstioGiveNoWarning() {
    assertThat(IstioSkew.warnings(IstioInventory.getDefaultInstance())).isEmpty();
    assertThat(
            IstioSkew.warnings(
                istiod("default", "").addProxies(proxies("default", "1.2", 1)).build()))
        .isEmpty();
  }
}
