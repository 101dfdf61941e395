package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link IstioTranslator#clusterSetChangeReachesOthers}: when it says no, adding a Cluster leaves
 * every other cluster's objects exactly as they were; when it says yes, some really change.
 */
class ClusterSetChangeTest {
  private static final ConfigSnapshot ACME = Fixtures.acme();
  private static final String WORKSPACES = "organizations/acme/tenants/retail/workspaces/";

  @Test
  void aClusterThatResolvesNoNewIdentityNamespaceReachesNobodyElse() {
    var after = ACME.with(cluster("ap-south-1a"));

    assertThat(IstioTranslator.clusterSetChangeReachesOthers(ACME, after)).isFalse();
    assertOthersUnchanged(ACME, after, true);
  }

  @Test
  void removingAClusterWhoseSelectorsOthersAlsoResolveReachesNobodyElse() {
    var before =
        ACME.without(dev.trestle.protocol.Fqn.parse("organizations/acme/clusters/us-east-1a"));

    assertThat(IstioTranslator.clusterSetChangeReachesOthers(before, ACME)).isFalse();
    assertOthersUnchanged(before, ACME, true);
  }

  @Test
  void aClusterNamedByALiteralSelectorReachesTheOthers() {
    var before = ACME.with(withSelector(ACME, "ap-south-1a/inventory-eu"));
    var after = before.with(cluster("ap-south-1a"));

    assertThat(IstioTranslator.clusterSetChangeReachesOthers(before, after)).isTrue();
    assertOthersUnchanged(before, after, false);
  }

  /**
   * Translates every acme cluster with both snapshots; expects all equal, or at least one
   * differing.
   */
  private static void assertOthersUnchanged(
      ConfigSnapshot before, ConfigSnapshot after, boolean unchanged) {
    int differing = 0;
    for (String cluster : List.of("eu-west-1a", "eu-west-1b")) {
      var view = Fixtures.acmeView(ACME, cluster);
      var old = IstioTranslator.translate(before, view);
      var now = IstioTranslator.translate(after, view);
      if (unchanged) {
        assertThat(now.objects()).as(cluster).isEqualTo(old.objects());
        assertThat(now.setHash()).as(cluster).isEqualTo(old.setHash());
      } else if (!now.setHash().equals(old.setHash())) {
        differing++;
      }
    }
    if (!unchanged) {
      assertThat(differing).as("clusters whose objects changed").isPositive();
    }
  }

  private static Resource cluster(String name) {
    Resource template = ACME.get("organizations/acme/clusters/eu-west-1a").orElseThrow();
    var b = template.toBuilder();
    b.getMetadataBuilder().setName(name).setFqn("organizations/acme/clusters/" + name);
    return b.build();
  }

  /** The retail inventory workspace with one more selector. */
  private static Resource withSelector(ConfigSnapshot snapshot, String selector) {
    Resource ws =
        snapshot.ofKind(dev.trestle.protocol.Kind.WORKSPACE).stream()
            .filter(r -> r.getMetadata().getFqn().startsWith(WORKSPACES))
            .filter(
                r -> r.getWorkspace().getNamespaceSelectorsList().contains("eu-west-1a/inventory"))
            .findFirst()
            .orElseThrow();
    var b = ws.toBuilder();
    b.getWorkspaceBuilder().addNamespaceSelectors(selector);
    return b.build();
  }
}
