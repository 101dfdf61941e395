package dev.trestle.cli;

import dev.trestle.protocol.v1.IstioInventory;
import dev.trestle.protocol.v1.IstioProxies;
import dev.trestle.protocol.v1.IstioRevision;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The Istio columns of {@code trestle clusters -o wide}. */
final class IstioColumns {
  static final List<String> HEADERS = List.of("ISTIOD", "TAGS", "PROXIES");

  private IstioColumns() {}

  /** {@code 1-21-3=1.21.3, 1-22-1=1.22.1!} / {@code stable>1-21-3} / {@code 1.21.3:14}. */
  static List<String> cells(IstioInventory istio) {
    String istiod =
        istio.getRevisionsList().stream()
            .map(IstioColumns::revision)
            .collect(Collectors.joining(", "));
    String tags =
        istio.getTagsList().stream()
            .map(t -> t.getTag() + ">" + t.getRevision())
            .collect(Collectors.joining(", "));
    Map<String, Integer> byVersion = new TreeMap<>();
    for (IstioProxies p : istio.getProxiesList()) {
      byVersion.merge(p.getVersion().isEmpty() ? "?" : p.getVersion(), p.getCount(), Integer::sum);
    }
    String proxies =
        byVersion.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(", "));
    return List.of(istiod, tags, proxies);
  }

  private static String revision(IstioRevision r) {
    return r.getName()
        + "="
        + (r.getVersion().isEmpty() ? "?" : r.getVersion())
        + (r.getReady() ? "" : "!");
  }
}
