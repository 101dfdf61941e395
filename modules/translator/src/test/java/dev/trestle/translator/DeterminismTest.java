package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  @Test
  void sameInputTwiceGivesTheSameBytesAndHashes() {
    var snapshot = Fixtures.acme();
    for (String cluster : Fixtures.acmeClusters()) {
      var view = Fixtures.acmeView(snapshot, cluster);
      var first = IstioTranslator.translate(snapshot, view);
      var second = IstioTranslator.translate(Fixtures.acme(), view);
      assertThat(second.toYaml()).isEqualTo(first.toYaml());
      assertThat(second.setHash()).isEqualTo(first.setHash());
      assertThat(second).isEqualTo(first);
    }
  }

  @Test
  void shuffledResourcesAndMapOrderGiveTheSameBytes() {
    var resources = Fixtures.acmeResources();
    var reference = Fixtures.acme();
    for (long seed = 1; seed <= 5; seed++) {
      var shuffled = new ArrayList<>(resources);
      Collections.shuffle(shuffled, new Random(seed));
      var reordered = shuffled.stream().map(DeterminismTest::reverseMaps).toList();
      var snapshot = ConfigSnapshot.of(reordered);
      for (String cluster : Fixtures.acmeClusters()) {
        var view = Fixtures.acmeView(reference, cluster);
        var expected = IstioTranslator.translate(reference, view);
        var actual = IstioTranslator.translate(snapshot, view);
        assertThat(actual.toYaml()).as("seed %d, %s", seed, cluster).isEqualTo(expected.toYaml());
        assertThat(actual.setHash()).isEqualTo(expected.setHash());
      }
    }
  }

  @Test
  void namespacesGivenInAnyOrderGiveTheSameBytes() {
    var snapshot = Fixtures.acme();
    var view = Fixtures.acmeView(snapshot, "eu-west-1a");
    var reversed = new ArrayList<>(view.namespaces());
    Collections.reverse(reversed);
    var other =
        new ClusterView(
            view.name(),
            view.network(),
            view.region(),
            view.zone(),
            new java.util.TreeSet<>(reversed),
            view.trustDomain());
    assertThat(IstioTranslator.translate(snapshot, other).toYaml())
        .isEqualTo(IstioTranslator.translate(snapshot, view).toYaml());
  }

  @Test
  void aSnapshotBuiltStepByStepEqualsOneBuiltAtOnce() {
    var resources = Fixtures.acmeResources();
    var stepwise = ConfigSnapshot.empty();
    for (Resource r : resources) {
      stepwise = stepwise.with(r);
    }
    assertThat(stepwise).isEqualTo(Fixtures.acme());
  }

  /** The same resource with every protobuf map of interest rebuilt in reverse insertion order. */
  static Resource reverseMaps(Resource r) {
    var b = r.toBuilder();
    b.getMetadataBuilder().clearLabels().putAllLabels(reversed(r.getMetadata().getLabelsMap()));
    if (r.hasServiceRoute()) {
      var sr = b.getServiceRouteBuilder();
      for (int i = 0; i < sr.getSubsetsCount(); i++) {
        var s = sr.getSubsetsBuilder(i);
        var labels = reversed(s.getLabelsMap());
        s.clearLabels().putAllLabels(labels);
      }
      for (int i = 0; i < sr.getHttpRoutesCount(); i++) {
        var route = sr.getHttpRoutesBuilder(i);
        for (int j = 0; j < route.getMatchCount(); j++) {
          var m = route.getMatchBuilder(j);
          var headers = reversed(m.getHeadersMap());
          m.clearHeaders().putAllHeaders(headers);
        }
      }
    }
    if (r.hasIngressGateway()) {
      var ig = b.getIngressGatewayBuilder();
      var selector = reversed(ig.getWorkloadSelectorMap());
      ig.clearWorkloadSelector().putAllWorkloadSelector(selector);
    }
    if (r.hasEgressGateway()) {
      var eg = b.getEgressGatewayBuilder();
      var selector = reversed(eg.getWorkloadSelectorMap());
      eg.clearWorkloadSelector().putAllWorkloadSelector(selector);
    }
    return b.build();
  }

  private static <V> Map<String, V> reversed(Map<String, V> in) {
    var keys = new ArrayList<>(in.keySet());
    Collections.reverse(keys);
    var out = new LinkedHashMap<String, V>();
    keys.forEach(k -> out.put(k, in.get(k)));
    return out;
  }

  @Test
  void outputIsSortedByNamespaceKindAndName() {
    var snapshot = Fixtures.acme();
    var out = IstioTranslator.translate(snapshot, Fixtures.acmeView(snapshot, "eu-west-1a"));
    List<ObjectKey> keys = out.objects().stream().map(DesiredObject::key).toList();
    assertThat(keys).isSorted().doesNotHaveDuplicates();
  }
}
