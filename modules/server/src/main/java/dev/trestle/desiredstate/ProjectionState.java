package dev.trestle.desiredstate;

import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.ObjectKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The handler's in-memory copy of the tables: config snapshots per organization, cluster rows, and
 * (loaded on first use) each cluster's current objects. Valid only while {@link #stamp} equals the
 * tables' event count; the handler rebuilds it otherwise (restart, rolled-back transaction, another
 * node ran the projection meanwhile).
 */
final class ProjectionState {
  long stamp;
  private final Map<String, ConfigSnapshot> config;

  /** Read freely; change only through {@link #putCluster} (it keeps the derived maps right). */
  final Map<String, ClusterRow> clusters;

  /** Each revision rollout's namespace labels, by rollout FQN (read and change freely). */
  final Map<String, RevisionLabelRows.Row> revisionLabels;

  private final Map<String, SortedMap<String, String>> present = new HashMap<>();
  private final Map<String, SortedMap<ObjectKey, StoredObject>> objects = new HashMap<>();
  private final Map<String, dev.trestle.translator.MeshCatalog.Cluster> mesh = new HashMap<>();

  private ProjectionState(
      long stamp,
      Map<String, ConfigSnapshot> config,
      Map<String, ClusterRow> clusters,
      Map<String, RevisionLabelRows.Row> revisionLabels) {
    this.stamp = stamp;
    this.config = config;
    this.clusters = clusters;
    this.revisionLabels = revisionLabels;
  }

  static ProjectionState load(Connection c, long stamp) throws SQLException {
    var config = new HashMap<String, ConfigSnapshot>();
    for (Map.Entry<String, java.util.List<Resource>> e :
        DesiredStateTables.loadResources(c).entrySet()) {
      config.put(e.getKey(), ConfigSnapshot.of(e.getValue()));
    }
    return new ProjectionState(
        stamp, config, DesiredStateTables.loadClusters(c), RevisionLabelRows.load(c));
  }

  ConfigSnapshot config(String org) {
    return config.getOrDefault(org, ConfigSnapshot.empty());
  }

  void setConfig(String org, ConfigSnapshot snapshot) {
    if (snapshot.size() == 0) {
      config.remove(org);
    } else {
      config.put(org, snapshot);
    }
  }

  /**
   * The clusters of {@code org} whose Cluster resource exists: name to FQN, by name; unmodifiable.
   * Kept per organization until a cluster row of it appears or changes presence: every cluster's
   * translation asks for it, and rebuilding it each time made a batch cost clusters squared.
   */
  SortedMap<String, String> presentClusters(String org) {
    return present.computeIfAbsent(
        org,
        o -> {
          var out = new TreeMap<String, String>();
          clusters.values().stream()
              .filter(r -> r.present() && r.org().equals(o))
              .forEach(r -> out.put(dev.trestle.protocol.Fqn.parse(r.fqn()).name(), r.fqn()));
          return Collections.unmodifiableSortedMap(out);
        });
  }

  /** Stores a cluster row; forgets what was derived from its old presence and mesh entry. */
  void putCluster(ClusterRow row) {
    ClusterRow old = clusters.put(row.fqn(), row);
    if (old == null || old.present() != row.present() || !old.org().equals(row.org())) {
      present.remove(row.org());
      if (old != null) {
        present.remove(old.org());
      }
    }
    forgetMesh(row.fqn());
  }

  SortedMap<ObjectKey, StoredObject> objects(Connection c, String cluster) throws SQLException {
    SortedMap<ObjectKey, StoredObject> cached = objects.get(cluster);
    if (cached == null) {
      cached = DesiredObjectTables.loadObjects(c, cluster);
      objects.put(cluster, cached);
    }
    return cached;
  }

  void setObjects(String cluster, SortedMap<ObjectKey, StoredObject> now) {
    objects.put(cluster, now);
  }

  dev.trestle.translator.MeshCatalog.Cluster mesh(
      String cluster,
      java.util.function.Supplier<dev.trestle.translator.MeshCatalog.Cluster> compute) {
    return mesh.computeIfAbsent(cluster, k -> compute.get());
  }

  void forgetMesh(String cluster) {
    mesh.remove(cluster);
  }

  void dropObjects(String cluster) {
    objects.remove(cluster);
  }
}
