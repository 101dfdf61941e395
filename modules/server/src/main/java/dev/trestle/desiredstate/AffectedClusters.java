package dev.trestle.desiredstate;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.NamespaceSelector;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.IstioTranslator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which clusters a config change can change, so that only those are translated again. It may name
 * too many (their translation then yields the same objects and no new version), never too few. The
 * clusters given are the present clusters of the changed resource's organization (a cluster never
 * receives another organization's configuration), by name.
 *
 * <ul>
 *   <li>ServiceRoute, TrafficSetting, IngressGateway, ApiDefinition: the clusters whose name a
 *       selector of the resource's workspace, and of its group when the group has selectors, can
 *       match (before or after the change). The translator only uses these resources where their
 *       group covers a namespace.
 *   <li>SecuritySetting: the same, unless it has allow rules before or after the change; then every
 *       cluster of the organization, because allow rules open Sidecar egress of the caller
 *       workspaces wherever those are.
 *   <li>Cluster: that cluster; created or deleted, also every cluster of the organization when the
 *       set of cluster names resolves workspace identity namespaces differently ({@link
 *       IstioTranslator#clusterSetChangeReachesOthers}: a selector {@code c2/payments} names
 *       callers in {@code payments} only once a cluster {@code c2} exists). Who uses a created or
 *       deleted cluster's services is the caller's business (the service catalog).
 *   <li>Organization, Tenant, Workspace, Group, WasmExtension (attached anywhere in the
 *       organization): every cluster of the organization.
 *   <li>EgressGateway: every cluster of the organization, because the workspaces sending through it
 *       get their client-side routes wherever they are.
 *   <li>RevisionRollout: none; the namespace labels it sets follow its stage events (see {@code
 *       RevisionLabelRows}).
 * </ul>
 */
final class AffectedClusters {
  private AffectedClusters() {}

  enum Change {
    CREATED,
    UPDATED,
    DELETED
  }

  /**
   * @param clusters the present clusters of the organization: name to FQN
   * @return the FQNs of the clusters to translate again
   */
  static SortedSet<String> of(
      Fqn fqn,
      Change change,
      ConfigSnapshot before,
      ConfigSnapshot after,
      Map<String, String> clusters) {
    Kind kind = fqn.kind().orElseThrow();
    var all = new TreeSet<>(clusters.values());
    return switch (kind) {
      case ORGANIZATION, TENANT, WORKSPACE, GROUP, EGRESS_GATEWAY, WASM_EXTENSION -> all;
      case GIT_SOURCE -> new TreeSet<String>(); // read by the reconciler, never by an edge
      case CLUSTER -> {
        if (change != Change.UPDATED
            && IstioTranslator.clusterSetChangeReachesOthers(before, after)) {
          yield all;
        }
        var one = new TreeSet<String>();
        if (clusters.containsValue(fqn.toString())) {
          one.add(fqn.toString());
        }
        yield one;
      }
      case SECURITY_SETTING ->
          hasAllowRules(before, fqn) || hasAllowRules(after, fqn)
              ? all
              : scopeClusters(fqn, before, after, clusters);
      case SERVICE_ROUTE, TRAFFIC_SETTING, INGRESS_GATEWAY, API_DEFINITION ->
          scopeClusters(fqn, before, after, clusters);
      case REVISION_ROLLOUT -> new TreeSet<>(); // its labels come with the rollout's own events
    };
  }

  private static boolean hasAllowRules(ConfigSnapshot snapshot, Fqn fqn) {
    return snapshot.get(fqn).map(r -> r.getSecuritySetting().getAllowCount() > 0).orElse(false);
  }

  private static SortedSet<String> scopeClusters(
      Fqn fqn, ConfigSnapshot before, ConfigSnapshot after, Map<String, String> clusters) {
    var out = new TreeSet<String>();
    clusters.forEach(
        (name, clusterFqn) -> {
          if (scopeCanCover(before, fqn, name) || scopeCanCover(after, fqn, name)) {
            out.add(clusterFqn);
          }
        });
    return out;
  }

  /**
   * Whether the workspace selectors (and the group's own, when it has any) of the resource's scope
   * can match some namespace of the cluster named {@code cluster}. Namespaces are not looked at: an
   * inventory change re-translates its cluster anyway.
   */
  static boolean scopeCanCover(ConfigSnapshot snapshot, Fqn fqn, String cluster) {
    Optional<Resource> workspace = ancestor(fqn, Kind.WORKSPACE).flatMap(snapshot::get);
    if (workspace.isEmpty()
        || !anyMatches(workspace.get().getWorkspace().getNamespaceSelectorsList(), cluster)) {
      return false;
    }
    Optional<Fqn> groupFqn = ancestor(fqn, Kind.GROUP);
    if (groupFqn.isEmpty()) {
      return true;
    }
    Optional<Resource> group = snapshot.get(groupFqn.get());
    if (group.isEmpty()) {
      return false;
    }
    List<String> own = group.get().getGroup().getNamespaceSelectorsList();
    return own.isEmpty() || anyMatches(own, cluster);
  }

  private static boolean anyMatches(List<String> selectors, String cluster) {
    return selectors.stream()
        .map(NamespaceSelector::parse)
        .flatMap(Optional::stream)
        .anyMatch(s -> s.matchesCluster(cluster));
  }

  private static Optional<Fqn> ancestor(Fqn fqn, Kind kind) {
    for (Fqn at = fqn; !at.isRoot(); at = at.parent()) {
      if (at.kind().orElseThrow() == kind) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }
}
