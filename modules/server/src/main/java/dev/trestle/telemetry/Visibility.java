package dev.trestle.telemetry;

import dev.trestle.protocol.NamespaceSelector;
import java.util.List;
import java.util.Map;

/**
 * What one caller may see of the telemetry of a scope, per organization: {@code everything} when
 * the caller may READ the organization itself (and the scope is the organization), else the
 * namespaces its readable workspaces select ({@code cluster/namespace}, docs/iam.md). {@code
 * scoped} are the namespaces the query is about (the workspaces under a tenant or workspace scope;
 * the visible ones for an organization scope); a call's other end outside them is shown only if
 * {@code visible}, else as unknown.
 */
record Visibility(Map<String, Org> orgs) {
  record Org(
      boolean everything,
      List<NamespaceSelector> visible,
      List<NamespaceSelector> scoped,
      boolean wholeOrg) {

    boolean sees(String cluster, String namespace) {
      return everything || matches(visible, cluster, namespace);
    }

    boolean inScope(String cluster, String namespace) {
      if (wholeOrg) {
        return sees(cluster, namespace);
      }
      return matches(scoped, cluster, namespace);
    }

    private static boolean matches(List<NamespaceSelector> selectors, String cluster, String ns) {
      for (NamespaceSelector s : selectors) {
        if (s.matches(cluster, ns)) {
          return true;
        }
      }
      return false;
    }
  }

  /** An endpoint as this caller may see it: itself, or unknown. */
  Endpoint shown(String org, Endpoint e) {
    if (e.kind() != Endpoint.Kind.SERVICE) {
      return e;
    }
    Org o = orgs.get(org);
    return o != null && o.sees(e.cluster(), e.namespace()) ? e : Endpoint.UNKNOWN;
  }

  boolean inScope(String org, Endpoint e) {
    Org o = orgs.get(org);
    return o != null && e.kind() == Endpoint.Kind.SERVICE && o.inScope(e.cluster(), e.namespace());
  }
}
