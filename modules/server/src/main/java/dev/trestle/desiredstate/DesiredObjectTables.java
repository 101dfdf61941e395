package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredStateSchema.CHANGES;
import static dev.trestle.desiredstate.DesiredStateSchema.OBJECTS;
import static dev.trestle.desiredstate.DesiredStateSchema.PLACEMENTS;

import dev.trestle.translator.ObjectKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The SQL of the desired-state tables the projection writes for each cluster: its current objects,
 * the change rows deltas are read from, and the placements (which resource versions each cluster
 * carries). The inputs' tables are {@link DesiredStateTables}.
 */
final class DesiredObjectTables {
  static final String UPSERT = "UPSERT";
  static final String DELETE = "DELETE";

  private DesiredObjectTables() {}

  /** Drops a cluster's objects, change rows and placements (its cluster row stays). */
  static void dropClusterRows(Connection c, String cluster) throws SQLException {
    for (String table : List.of(OBJECTS, CHANGES, PLACEMENTS)) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM " + table + " WHERE cluster_fqn = ?")) {
        ps.setString(1, cluster);
        ps.executeUpdate();
      }
    }
  }

  // ---- objects ----

  private static final String KEY_WHERE =
      " WHERE cluster_fqn = ? AND obj_namespace = ? AND obj_kind = ? AND obj_name = ? AND"
          + " api_version = ?";

  static int bindKey(PreparedStatement ps, int at, String cluster, ObjectKey k)
      throws SQLException {
    ps.setString(at, cluster);
    ps.setString(at + 1, k.namespace());
    ps.setString(at + 2, k.kind());
    ps.setString(at + 3, k.name());
    ps.setString(at + 4, k.apiVersion());
    return at + 5;
  }

  private static final String OBJECT_COLUMNS =
      "api_version, obj_kind, obj_namespace, obj_name, source_fqn, source_version, inputs, json,"
          + " content_hash";

  private static StoredObject object(ResultSet rs) throws SQLException {
    String inputs = rs.getString(7);
    return new StoredObject(
        new ObjectKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
        rs.getString(5),
        rs.getLong(6),
        inputs.isEmpty() ? List.of() : Arrays.asList(inputs.split(",")),
        rs.getString(8),
        rs.getString(9));
  }

  static SortedMap<ObjectKey, StoredObject> loadObjects(Connection c, String cluster)
      throws SQLException {
    var out = new TreeMap<ObjectKey, StoredObject>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + OBJECT_COLUMNS + " FROM " + OBJECTS + " WHERE cluster_fqn = ?")) {
      ps.setString(1, cluster);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StoredObject o = object(rs);
          out.put(o.key(), o);
        }
      }
    }
    return out;
  }

  static Optional<StoredObject> readObject(Connection c, String cluster, ObjectKey key)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + OBJECT_COLUMNS + " FROM " + OBJECTS + KEY_WHERE)) {
      bindKey(ps, 1, cluster, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(object(rs)) : Optional.empty();
      }
    }
  }

  static final String DELETE_OBJECT = "DELETE FROM " + OBJECTS + KEY_WHERE;

  static final String INSERT_OBJECT =
      "INSERT INTO "
          + OBJECTS
          + " (cluster_fqn, "
          + OBJECT_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  static void bindObject(PreparedStatement ps, String cluster, StoredObject o) throws SQLException {
    ps.setString(1, cluster);
    ps.setString(2, o.key().apiVersion());
    ps.setString(3, o.key().kind());
    ps.setString(4, o.key().namespace());
    ps.setString(5, o.key().name());
    ps.setString(6, o.sourceFqn());
    ps.setLong(7, o.sourceVersion());
    ps.setString(8, String.join(",", o.inputs()));
    ps.setString(9, o.json());
    ps.setString(10, o.contentHash());
  }

  static void insertObjects(Connection c, String cluster, Collection<StoredObject> objects)
      throws SQLException {
    var rows = new VersionRows();
    rows.insertObjects(cluster, objects);
    rows.flush(c);
  }

  // ---- changes ----

  /** One change row: at {@code version}, {@code key} was upserted or deleted. */
  record Change(long version, ObjectKey key, String op) {}

  static final String INSERT_CHANGE =
      "INSERT INTO "
          + CHANGES
          + " (cluster_fqn, version, api_version, obj_kind, obj_namespace, obj_name, op)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  static void bindChange(PreparedStatement ps, String cluster, long version, ObjectKey k, String op)
      throws SQLException {
    ps.setString(1, cluster);
    ps.setLong(2, version);
    ps.setString(3, k.apiVersion());
    ps.setString(4, k.kind());
    ps.setString(5, k.namespace());
    ps.setString(6, k.name());
    ps.setString(7, op);
  }

  /** Change rows after {@code fromVersion} (exclusive), oldest first. */
  static List<Change> readChanges(Connection c, String cluster, long fromVersion)
      throws SQLException {
    var out = new ArrayList<Change>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT version, api_version, obj_kind, obj_namespace, obj_name, op FROM "
                + CHANGES
                + " WHERE cluster_fqn = ? AND version > ? ORDER BY version")) {
      ps.setString(1, cluster);
      ps.setLong(2, fromVersion);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Change(
                  rs.getLong(1),
                  new ObjectKey(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)),
                  rs.getString(6)));
        }
      }
    }
    return out;
  }

  /** Deletes a cluster's change rows of versions up to the second parameter (inclusive). */
  static final String PRUNE_CHANGES =
      "DELETE FROM " + CHANGES + " WHERE cluster_fqn = ? AND version <= ?";

  // ---- placements ----

  /** A resource version as listed in an object's inputs: {@code fqn@version}. */
  record Ref(String fqn, long version) {
    static Ref parse(String text) {
      int at = text.lastIndexOf('@');
      return new Ref(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
    }
  }

  static final String INSERT_PLACEMENT =
      "INSERT INTO "
          + PLACEMENTS
          + " (cluster_fqn, resource_fqn, resource_version, cluster_version) VALUES (?, ?, ?, ?)";

  static void bindPlacement(PreparedStatement ps, String cluster, Ref r, long clusterVersion)
      throws SQLException {
    bindPlacementKey(ps, cluster, r);
    ps.setLong(4, clusterVersion);
  }

  static final String DELETE_PLACEMENT =
      "DELETE FROM "
          + PLACEMENTS
          + " WHERE cluster_fqn = ? AND resource_fqn = ? AND resource_version = ?";

  static void bindPlacementKey(PreparedStatement ps, String cluster, Ref r) throws SQLException {
    ps.setString(1, cluster);
    ps.setString(2, r.fqn());
    ps.setLong(3, r.version());
  }

  /** Placements of {@code fqn} and of everything below it, by cluster then FQN then version. */
  static List<ResourcePlacement> readPlacements(Connection c, String fqn) throws SQLException {
    String prefix =
        fqn.isEmpty()
            ? "%"
            : fqn.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%";
    var out = new ArrayList<ResourcePlacement>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT cluster_fqn, resource_fqn, resource_version, cluster_version FROM "
                + PLACEMENTS
                + " WHERE resource_fqn = ? OR resource_fqn LIKE ? ESCAPE '\\'"
                + " ORDER BY cluster_fqn, resource_fqn, resource_version")) {
      ps.setString(1, fqn);
      ps.setString(2, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ResourcePlacement(
                  rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
        }
      }
    }
    return out;
  }
}
