package dev.trestle.desiredstate;

import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.IstioTranslator;
import dev.trestle.translator.MeshCatalog;
import dev.trestle.translator.NamespaceRevisions;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * One translation for all the clusters of a projection batch whose inputs are equal but for their
 * names. A change that reaches every cluster of an organization would otherwise translate each of
 * them, although most clusters differ only in name (issue 21, P2). The translator's own rule says
 * when the name does not matter ({@link IstioTranslator#clustersNamedBySelectors}): the cluster is
 * not named by any selector and gets no remote services. Such clusters share the objects and set
 * hash of the first translation with the same configuration snapshot (by identity), view (but for
 * the name) and revision labels. The shared result keeps that first cluster's diagnostics, which
 * the projection does not store. One instance per batch: configuration and rows do not change while
 * its clusters are translated.
 */
final class SharedTranslations {
  /** Everything a name-independent translation depends on besides the configuration. */
  private record Inputs(
      String network,
      String region,
      String zone,
      SortedSet<String> namespaces,
      String trustDomain,
      SortedMap<String, List<MeshCatalog.Port>> servicePorts,
      List<NamespaceRevisions.Label> revisionLabels) {}

  private final Map<ConfigSnapshot, Set<String>> named = new IdentityHashMap<>();
  private final Map<ConfigSnapshot, Map<Inputs, DesiredObjects>> done = new IdentityHashMap<>();
  private int translated;
  private int shared;

  /**
   * The cluster's translation: {@code translate} once per distinct input, a shared result when
   * another cluster's name-independent translation had the same inputs.
   */
  DesiredObjects translate(
      ConfigSnapshot config,
      ClusterView view,
      List<MeshCatalog.RemoteService> remote,
      List<NamespaceRevisions.Label> revisionLabels,
      Supplier<DesiredObjects> translate) {
    if (!remote.isEmpty()
        || named
            .computeIfAbsent(config, IstioTranslator::clustersNamedBySelectors)
            .contains(view.name())) {
      translated++;
      return translate.get();
    }
    var inputs =
        new Inputs(
            view.network(),
            view.region(),
            view.zone(),
            view.namespaces(),
            view.trustDomain(),
            view.servicePorts(),
            revisionLabels);
    Map<Inputs, DesiredObjects> results = done.computeIfAbsent(config, k -> new HashMap<>());
    DesiredObjects first = results.get(inputs);
    if (first == null) {
      translated++;
      DesiredObjects own = translate.get();
      results.put(inputs, own);
      return own;
    }
    shared++;
    return new DesiredObjects(view.name(), first.objects(), first.setHash(), first.diagnostics());
  }

  /** Translations run so far. */
  int translated() {
    return translated;
  }

  /** Results reused so far instead of translating. */
  int shared() {
    return shared;
  }
}
