package dev.trestle.telemetry;

import dev.trestle.protocol.NamespaceSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQL condition on the series table that keeps at least every series whose destination (and, for
 * the topology, source) lies in a tenant's or workspace's namespaces, so that the database sums
 * only those instead of the whole organization. It only narrows: {@link Visibility} still decides
 * per row. A destination's namespace may come from its service name instead of its label, so a
 * series without a namespace label is kept for a namespace selector; a cluster is the label, else
 * the reporting cluster (as {@link SeriesKey#destinationCluster()} and {@link
 * SeriesKey#sourceCluster()} read them).
 *
 * @param sql the condition ({@code ""}: none, every series of the organization)
 * @param params its parameters, in order
 */
record ScopeNarrowing(String sql, List<String> params) {
  static final ScopeNarrowing NONE = new ScopeNarrowing("", List.of());

  /**
   * Series with a destination in {@code org}'s scoped namespaces or, when {@code sources}, a source
   * in them; {@link #NONE} for the organization's own scope or a selector of every namespace.
   */
  static ScopeNarrowing of(Visibility.Org org, boolean sources) {
    if (org == null || org.wholeOrg() || org.scoped().isEmpty()) {
      return NONE;
    }
    var terms = new ArrayList<String>();
    var params = new ArrayList<String>();
    for (NamespaceSelector s : org.scoped()) {
      if (s.cluster().equals(NamespaceSelector.ANY)
          && s.namespace().equals(NamespaceSelector.ANY)) {
        return NONE;
      }
      terms.add(side(s, "dst_cluster", "(s.dst_namespace = ? OR s.dst_namespace = '')", params));
      if (sources) {
        terms.add(side(s, "src_cluster", "s.src_namespace = ?", params));
      }
    }
    return new ScopeNarrowing("(" + String.join(" OR ", terms) + ")", List.copyOf(params));
  }

  /**
   * One end of a series in one selector: its cluster column (empty: the reporting cluster) and a
   * namespace condition with one parameter; adds the parameters.
   */
  private static String side(
      NamespaceSelector s, String clusterColumn, String namespaceCondition, List<String> params) {
    var parts = new ArrayList<String>();
    if (!s.cluster().equals(NamespaceSelector.ANY)) {
      parts.add(
          "(s." + clusterColumn + " = ? OR (s." + clusterColumn + " = '' AND s.cluster = ?))");
      params.add(s.cluster());
      params.add(s.cluster());
    }
    if (!s.namespace().equals(NamespaceSelector.ANY)) {
      parts.add(namespaceCondition);
      params.add(s.namespace());
    }
    return "(" + String.join(" AND ", parts) + ")";
  }
}
