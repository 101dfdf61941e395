package dev.trestle.api;

import dev.trestle.clusters.IstioSkew;
import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import dev.trestle.protocol.v1.IstioVersionCluster;
import dev.trestle.protocol.v1.IstioVersionUse;
import dev.trestle.protocol.v1.ListIstioVersionsResponse;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The fleet view: which clusters run which Istio versions, from the clusters' inventories. */
final class IstioFleet {
  private IstioFleet() {}

  /** Versions oldest first by number, an unparsable one after, the unknown ("") last. */
  static final Comparator<String> VERSION_ORDER =
      Comparator.comparing((String v) -> v.isEmpty())
          .thenComparing(v -> IstioSkew.minor(v) == null)
          .thenComparing(IstioFleet::numbers, IstioFleet::compareNumbers)
          .thenComparing(Comparator.naturalOrder());

  static ListIstioVersionsResponse of(List<ClusterInfo> clusters) {
    // version -> cluster -> use
    Map<String, Map<String, IstioVersionCluster.Builder>> uses = new TreeMap<>(VERSION_ORDER);
    var out = ListIstioVersionsResponse.newBuilder();
    for (ClusterInfo c : clusters) {
      IstioInventory istio = c.getInventory().getIstio();
      if (istio.getRevisionsCount() == 0) {
        out.addClustersWithoutIstio(c.getFqn());
      }
      for (IstioRevision r : istio.getRevisionsList()) {
        use(uses, r.getVersion(), c.getFqn()).addRevisions(r.getName());
      }
      for (IstioProxies p : istio.getProxiesList()) {
        var use = use(uses, p.getVersion(), c.getFqn());
        use.setProxies(use.getProxies() + p.getCount());
      }
      c.getIstioWarningsList().forEach(w -> out.addWarnings(c.getFqn() + ": " + w));
    }
    uses.forEach(
        (version, byCluster) -> {
          var v = IstioVersionUse.newBuilder().setVersion(version);
          byCluster.values().forEach(v::addClusters);
          out.addVersions(v);
        });
    return out.build();
  }

  private static IstioVersionCluster.Builder use(
      Map<String, Map<String, IstioVersionCluster.Builder>> uses, String version, String cluster) {
    return uses.computeIfAbsent(version, v -> new TreeMap<>())
        .computeIfAbsent(cluster, c -> IstioVersionCluster.newBuilder().setCluster(c));
  }

  private static int[] numbers(String version) {
    String[] parts = version.split("[.-]");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        out[i] = -1;
      }
    }
    return out;
  }

  private static int compareNumbers(int[] a, int[] b) {
    return Arrays.compare(a, b);
  }
}
