package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.NamespaceSelector;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where workspaces and groups are, judged from their namespace selectors.
 *
 * <p>A workspace covers {@code (cluster, namespace)} when one of its selectors matches. A group
 * covers it when its workspace does and one of the group's own selectors matches; a group without
 * selectors inherits its workspace's. (The server already refuses group selectors outside the
 * workspace's; checking both here keeps the translator safe on its own.) Resources below a group
 * are placed by their group.
 */
final class Placement {
  private final ConfigSnapshot snapshot;
  private final ClusterView view;
  private final SortedSet<String> knownClusters;
  private final Map<Fqn, Optional<Chain>> chains = new HashMap<>();
  private final Map<Fqn, SortedSet<String>> identities = new HashMap<>();

  Placement(ConfigSnapshot snapshot, ClusterView view) {
    this.snapshot = snapshot;
    this.view = view;
    // The snapshot's (shared, unmodifiable) set as it is when it already names this cluster,
    // which the server's translations always do: no copy of every cluster name per translation.
    SortedSet<String> clusters = clusterNames(snapshot);
    if (!clusters.contains(view.name())) {
      clusters = new TreeSet<>(clusters);
      clusters.add(view.name());
    }
    this.knownClusters = clusters;
  }

  private static SortedSet<String> clusterNames(ConfigSnapshot snapshot) {
    return snapshot.namesOf(Kind.CLUSTER);
  }

  /**
   * For every workspace and group of the snapshot, the namespace names its selectors pick in the
   * snapshot's Cluster resources: the part of {@link #identityNamespaces} that does not depend on
   * the cluster being translated. The set of Cluster resources reaches another cluster's
   * translation only through this.
   */
  static Map<Fqn, SortedSet<String>> namespacesPickedInKnownClusters(ConfigSnapshot snapshot) {
    var placement = new Placement(snapshot, null, clusterNames(snapshot));
    var out = new HashMap<Fqn, SortedSet<String>>();
    for (Kind kind : List.of(Kind.WORKSPACE, Kind.GROUP)) {
      for (Resource scope : snapshot.ofKind(kind)) {
        Fqn fqn = Fqn.parse(scope.getMetadata().getFqn());
        out.put(fqn, placement.namespacesPickedInKnownClusters(fqn));
      }
    }
    return out;
  }

  /**
   * The cluster names that the snapshot's workspace and group selectors name literally (not {@code
   * *}). Placement compares a cluster's name only with these, so it places every other cluster the
   * same way.
   */
  static SortedSet<String> clustersNamedBySelectors(ConfigSnapshot snapshot) {
    var out = new TreeSet<String>();
    for (Resource ws : snapshot.ofKind(Kind.WORKSPACE)) {
      addLiteralClusters(ws.getWorkspace().getNamespaceSelectorsList(), out);
    }
    for (Resource group : snapshot.ofKind(Kind.GROUP)) {
      addLiteralClusters(group.getGroup().getNamespaceSelectorsList(), out);
    }
    return Collections.unmodifiableSortedSet(out);
  }

  private static void addLiteralClusters(List<String> selectors, SortedSet<String> out) {
    for (NamespaceSelector s : parseAll(selectors)) {
      if (!s.cluster().equals(NamespaceSelector.ANY)) {
        out.add(s.cluster());
      }
    }
  }

  private Placement(ConfigSnapshot snapshot, ClusterView view, SortedSet<String> knownClusters) {
    this.snapshot = snapshot;
    this.view = view;
    this.knownClusters = knownClusters;
  }

  /** The scope (workspace, or the group for anything at or below a group) of a resource. */
  static Fqn scopeOf(Fqn fqn) {
    Fqn at = fqn;
    while (!at.isRoot()) {
      Kind k = at.kind().orElseThrow();
      if (k == Kind.GROUP || k == Kind.WORKSPACE) {
        return at;
      }
      at = at.parent();
    }
    return Fqn.ROOT;
  }

  static Optional<Fqn> ancestor(Fqn fqn, Kind kind) {
    for (Fqn at = fqn; !at.isRoot(); at = at.parent()) {
      if (at.kind().orElseThrow() == kind) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  /** True when the scope of {@code fqn} covers {@code namespace} in {@code cluster}. */
  boolean covers(Fqn fqn, String cluster, String namespace) {
    return chain(fqn).map(c -> c.covers(cluster, namespace)).orElse(false);
  }

  /** True when the scope covers {@code namespace} here and the cluster has that namespace. */
  boolean coversHere(Fqn fqn, String namespace) {
    return view.hasNamespace(namespace) && covers(fqn, view.name(), namespace);
  }

  /** The namespaces of this cluster the scope covers, sorted. */
  SortedSet<String> localNamespaces(Fqn fqn) {
    var out = new TreeSet<String>();
    chain(fqn)
        .ifPresent(
            c ->
                view.namespaces().stream()
                    .filter(ns -> c.covers(view.name(), ns))
                    .forEach(out::add));
    return out;
  }

  /**
   * The namespace names the scope covers anywhere, as far as they can be known here: the local
   * namespaces it covers, plus every literal namespace name its selectors pick in a cluster that
   * exists (a Cluster resource, or this cluster). A mesh identity carries the namespace but not the
   * cluster, so these are the names an authorization rule must admit for callers of this scope in
   * any cluster. A {@code c/*} selector for another cluster cannot be resolved from here and adds
   * nothing.
   */
  SortedSet<String> identityNamespaces(Fqn fqn) {
    return Collections.unmodifiableSortedSet(
        identities.computeIfAbsent(scopeOf(fqn), this::computeIdentityNamespaces));
  }

  private SortedSet<String> computeIdentityNamespaces(Fqn fqn) {
    var out = localNamespaces(fqn);
    out.addAll(namespacesPickedInKnownClusters(fqn));
    return out;
  }

  private SortedSet<String> namespacesPickedInKnownClusters(Fqn fqn) {
    var out = new TreeSet<String>();
    chain(fqn)
        .ifPresent(
            c -> {
              for (NamespaceSelector s : c.effective()) {
                if (!s.hasLiteralNamespace()) {
                  continue;
                }
                for (String cluster : knownClusters) {
                  if (s.matchesCluster(cluster) && c.covers(cluster, s.namespace())) {
                    out.add(s.namespace());
                    break;
                  }
                }
              }
            });
    return out;
  }

  /** Whether the workspace (and group, when the scope is one) of {@code fqn} are stored. */
  boolean scopeExists(Fqn fqn) {
    return chain(fqn).isPresent();
  }

  private Optional<Chain> chain(Fqn fqn) {
    return chains.computeIfAbsent(scopeOf(fqn), this::computeChain);
  }

  private Optional<Chain> computeChain(Fqn scope) {
    if (scope.isRoot()) {
      return Optional.empty();
    }
    Optional<Fqn> wsFqn = ancestor(scope, Kind.WORKSPACE);
    Optional<Resource> ws = wsFqn.flatMap(snapshot::get);
    if (ws.isEmpty()) {
      return Optional.empty();
    }
    List<NamespaceSelector> wsSelectors =
        parseAll(ws.get().getWorkspace().getNamespaceSelectorsList());
    if (scope.kind().orElseThrow() == Kind.WORKSPACE) {
      return Optional.of(new Chain(wsSelectors, List.of()));
    }
    Optional<Resource> group = snapshot.get(scope);
    if (group.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Chain(wsSelectors, parseAll(group.get().getGroup().getNamespaceSelectorsList())));
  }

  private static List<NamespaceSelector> parseAll(List<String> texts) {
    var out = new ArrayList<NamespaceSelector>();
    texts.forEach(t -> NamespaceSelector.parse(t).ifPresent(out::add));
    return out;
  }

  /** Workspace selectors and, for a group, the group's own (empty: inherit). */
  private record Chain(List<NamespaceSelector> workspace, List<NamespaceSelector> group) {
    boolean covers(String cluster, String ns) {
      return any(workspace, cluster, ns) && (group.isEmpty() || any(group, cluster, ns));
    }

    List<NamespaceSelector> effective() {
      return group.isEmpty() ? workspace : group;
    }

    private static boolean any(List<NamespaceSelector> selectors, String cluster, String ns) {
      return selectors.stream().anyMatch(s -> s.matches(cluster, ns));
    }
  }
}
