package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What lets central translate once for many clusters ({@link
 * IstioTranslator#clustersNamedBySelectors}): over the acme examples, clusters that no selector
 * names get the same objects whatever their name, and a named one does not.
 */
class TranslatorNameIndependenceTest {

  /** The acme examples plus two clusters no selector names, copies of us-east-1a's resource. */
  private static ConfigSnapshot acmeWithTwins() {
    var all = new ArrayList<Resource>(Fixtures.acmeResources());
    Resource us = Fixtures.acme().get("organizations/acme/clusters/us-east-1a").orElseThrow();
    for (String name : List.of("twin-a", "twin-b")) {
      var meta = us.getMetadata().toBuilder().setName(name).setFqn("");
      all.add(Fixtures.stamp(us.toBuilder().setMetadata(meta).build(), 1));
    }
    return ConfigSnapshot.of(all);
  }

  /** Every namespace any acme cluster has: each selector of the examples places something. */
  private static ClusterView view(ConfigSnapshot snapshot, String cluster) {
    var namespaces = new TreeSet<String>();
    Fixtures.ACME_NAMESPACES.values().forEach(namespaces::addAll);
    Resource resource = snapshot.get("organizations/acme/clusters/" + cluster).orElseThrow();
    Resource asUs =
        snapshot.get("organizations/acme/clusters/us-east-1a").orElseThrow().toBuilder()
            .setMetadata(resource.getMetadata())
            .build();
    return ClusterView.of(asUs, namespaces);
  }

  @Test
  void theSelectorsOfTheExamplesNameTheirPinnedClustersOnly() {
    assertThat(IstioTranslator.clustersNamedBySelectors(acmeWithTwins()))
        .containsExactly("eu-west-1a", "eu-west-1b", "us-east-1a");
  }

  @Test
  void clustersNoSelectorNamesGetTheSameObjectsWhateverTheirName() {
    ConfigSnapshot snapshot = acmeWithTwins();
    DesiredObjects a = IstioTranslator.translate(snapshot, view(snapshot, "twin-a"), List.of());
    DesiredObjects b = IstioTranslator.translate(snapshot, view(snapshot, "twin-b"), List.of());

    assertThat(a.objects()).isNotEmpty();
    assertThat(b.objects()).isEqualTo(a.objects());
    assertThat(b.setHash()).isEqualTo(a.setHash());
  }

  @Test
  void aClusterASelectorNamesIsTranslatedDifferently() {
    ConfigSnapshot snapshot = acmeWithTwins();
    DesiredObjects named =
        IstioTranslator.translate(snapshot, view(snapshot, "eu-west-1a"), List.of());
    DesiredObjects twin = IstioTranslator.translate(snapshot, view(snapshot, "twin-a"), List.of());

    // eu-west-1a/ledger and eu-west-1a/inventory are placed there only.
    assertThat(named.setHash()).isNotEqualTo(twin.setHash());
  }
}
