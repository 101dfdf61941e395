package dev.trestle.desiredstate;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.MeshCatalog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One organization's translation inputs as the projection stored them (its resources and cluster
 * rows), read into memory so that proposed resources can be put into the copy and clusters
 * translated from it on request. Nothing is written back.
 */
final class OrgInputs {
  private final String org;
  private final SortedMap<String, ClusterRow> rows;
  private final Map<String, RevisionLabelRows.Row> revisionLabels;
  private ConfigSnapshot config;
  private List<MeshCatalog.Cluster> publishing;
  private final SortedSet<String> removedClusters = new TreeSet<>();

  private OrgInputs(
      String org,
      SortedMap<String, ClusterRow> rows,
      ConfigSnapshot config,
      Map<String, RevisionLabelRows.Row> revisionLabels) {
    this.org = org;
    this.rows = rows;
    this.config = config;
    this.revisionLabels = revisionLabels;
  }

  static OrgInputs load(Connection c, String org) throws SQLException {
    var rows = new TreeMap<String, ClusterRow>();
    DesiredStateTables.loadClusters(c).values().stream()
        .filter(r -> r.org().equals(org))
        .forEach(r -> rows.put(r.fqn(), r));
    return new OrgInputs(
        org,
        rows,
        ConfigSnapshot.of(DesiredStateTables.loadResources(c, org)),
        RevisionLabelRows.load(c));
  }

  static String orgOf(String fqn) {
    return Fqn.parse(fqn).nameOf(Kind.ORGANIZATION).orElse("");
  }

  /** The cluster's current desired-state version; 0 when it has none. */
  long version(String cluster) {
    ClusterRow row = rows.get(cluster);
    return row == null ? 0 : row.version();
  }

  /** Whether {@link #remove} took this cluster out of the copy. */
  boolean removed(String cluster) {
    return removedClusters.contains(cluster);
  }

  /**
   * Takes a resource out of the copy (its descendants are the caller's: a delete removes them
   * first); the clusters that can change ({@link AffectedClusters}; for a Cluster, every present
   * cluster of the organization, itself included: it loses everything, the others its services).
   */
  SortedSet<String> remove(String fqnText) {
    Fqn fqn = Fqn.parse(fqnText);
    ConfigSnapshot next = config.without(fqn);
    SortedSet<String> affected;
    if (fqn.kind().orElseThrow() == Kind.CLUSTER) {
      affected = new TreeSet<>(present().values());
      ClusterRow row = rows.get(fqn.toString());
      if (row != null && row.present()) {
        rows.put(fqn.toString(), row.withPresent(false));
        removedClusters.add(fqn.toString());
      }
    } else {
      affected = AffectedClusters.of(fqn, AffectedClusters.Change.DELETED, config, next, present());
    }
    config = next;
    publishing = null;
    return affected;
  }

  /**
   * Puts a resource version into the copy; the clusters it can change ({@link AffectedClusters};
   * for a Cluster, every present cluster of the organization, since the catalog feeds the others'
   * routes).
   */
  SortedSet<String> put(Resource r) {
    Fqn fqn = Fqn.parse(r.getMetadata().getFqn());
    ConfigSnapshot next = config.with(r);
    SortedSet<String> affected;
    if (fqn.kind().orElseThrow() == Kind.CLUSTER) {
      ClusterRow row = rows.get(fqn.toString());
      rows.put(
          fqn.toString(),
          row == null
              ? new ClusterRow(
                  fqn.toString(), org, true, 0, DesiredStateHandler.EMPTY_SET_HASH, 0, List.of())
              : row.withPresent(true));
      affected = new TreeSet<>(present().values());
    } else {
      var change =
          config.get(fqn).isPresent()
              ? AffectedClusters.Change.UPDATED
              : AffectedClusters.Change.CREATED;
      affected = AffectedClusters.of(fqn, change, config, next, present());
    }
    config = next;
    publishing = null;
    return affected;
  }

  /** The cluster's objects from the copy; empty when it is not a present cluster. */
  Optional<DesiredObjects> translate(String cluster, DesiredStateSettings settings) {
    ClusterRow row = rows.get(cluster);
    Optional<Resource> clusterResource = config.get(cluster);
    if (row == null || !row.present() || clusterResource.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        ClusterTranslation.translate(
            config,
            clusterResource.get(),
            row,
            MeshClusters.of(row, clusterResource),
            publishing(),
            settings.reachability(),
            settings.waf(),
            RevisionLabelRows.forCluster(revisionLabels, cluster)));
  }

  private List<MeshCatalog.Cluster> publishing() {
    if (publishing == null) {
      publishing = new ArrayList<>();
      for (String fqn : present().values()) {
        MeshCatalog.Cluster mesh = MeshClusters.of(rows.get(fqn), config.get(fqn));
        if (!mesh.services().isEmpty()) {
          publishing.add(mesh);
        }
      }
    }
    return publishing;
  }

  /** The present clusters: name to FQN. */
  private SortedMap<String, String> present() {
    var out = new TreeMap<String, String>();
    rows.values().stream()
        .filter(ClusterRow::present)
        .forEach(r -> out.put(Fqn.parse(r.fqn()).name(), r.fqn()));
    return out;
  }
}
