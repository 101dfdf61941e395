package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredStateSchema.CHANGES;
import static dev.trestle.desiredstate.DesiredStateSchema.CLUSTERS;
import static dev.trestle.desiredstate.DesiredStateSchema.META;
import static dev.trestle.desiredstate.DesiredStateSchema.OBJECTS;
import static dev.trestle.desiredstate.DesiredStateSchema.PLACEMENTS;
import static dev.trestle.desiredstate.DesiredStateSchema.RESOURCES;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ObjectKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The SQL of the desired-state tables, shared by the projection handler and the store. */
final class DesiredStateTables {
  static final String UPSERT = "UPSERT";
  static final String DELETE = "DELETE";

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private DesiredStateTables() {}

  // ---- meta ----

  static long readStamp(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("SELECT events_applied FROM " + META + " WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  static void writeStamp(Connection c, long stamp) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE " + META + " SET events_applied = ? WHERE id = 1")) {
      ps.setLong(1, stamp);
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + META + " (id, events_applied) VALUES (1, ?)")) {
      ps.setLong(1, stamp);
      ps.executeUpdate();
    }
  }

  // ---- resources ----

  static String json(Resource r) {
    try {
      return PRINTER.print(r);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("resource cannot be printed as JSON", e);
    }
  }

  static Resource parse(String json) {
    var b = Resource.newBuilder();
    try {
      PARSER.merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored resource is not valid JSON", e);
    }
    return b.build();
  }

  /** Every stored resource, by organization. */
  static Map<String, List<Resource>> loadResources(Connection c) throws SQLException {
    var out = new HashMap<String, List<Resource>>();
    try (PreparedStatement ps = c.prepareStatement("SELECT org, resource_json FROM " + RESOURCES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(parse(rs.getString(2)));
      }
    }
    return out;
  }

  static Optional<Resource> readResource(Connection c, String fqn) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT resource_json FROM " + RESOURCES + " WHERE fqn = ?")) {
      ps.setString(1, fqn);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
      }
    }
  }

  static void putResource(Connection c, String org, Resource r) throws SQLException {
    String fqn = r.getMetadata().getFqn();
    deleteResource(c, fqn);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + RESOURCES
                + " (fqn, org, kind, version, resource_json) VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, fqn);
      ps.setString(2, org);
      ps.setString(3, r.getKind());
      ps.setLong(4, r.getMetadata().getVersion());
      ps.setString(5, json(r));
      ps.executeUpdate();
    }
  }

  static void deleteResource(Connection c, String fqn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + RESOURCES + " WHERE fqn = ?")) {
      ps.setString(1, fqn);
      ps.executeUpdate();
    }
  }

  // ---- clusters ----

  private static final String CLUSTER_COLUMNS =
      "fqn, org, present, version, set_hash, history_from, namespaces, health, inventory_json";

  static Map<String, ClusterRow> loadClusters(Connection c) throws SQLException {
    var out = new HashMap<String, ClusterRow>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT " + CLUSTER_COLUMNS + " FROM " + CLUSTERS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ClusterRow row = clusterRow(rs);
        out.put(row.fqn(), row);
      }
    }
    return out;
  }

  static Optional<ClusterRow> readCluster(Connection c, String fqn) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + CLUSTER_COLUMNS + " FROM " + CLUSTERS + " WHERE fqn = ?")) {
      ps.setString(1, fqn);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(clusterRow(rs)) : Optional.empty();
      }
    }
  }

  private static ClusterRow clusterRow(ResultSet rs) throws SQLException {
    String ns = rs.getString(7);
    return new ClusterRow(
        rs.getString(1),
        rs.getString(2),
        rs.getBoolean(3),
        rs.getLong(4),
        rs.getString(5),
        rs.getLong(6),
        ns.isEmpty() ? List.of() : Arrays.asList(ns.split(",")),
        rs.getString(8),
        rs.getString(9));
  }

  static void saveCluster(Connection c, ClusterRow row) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE "
                + CLUSTERS
                + " SET org = ?, present = ?, version = ?, set_hash = ?, history_from = ?,"
                + " namespaces = ?, health = ?, inventory_json = ? WHERE fqn = ?")) {
      ps.setString(1, row.org());
      ps.setBoolean(2, row.present());
      ps.setLong(3, row.version());
      ps.setString(4, row.setHash());
      ps.setLong(5, row.historyFrom());
      ps.setString(6, String.join(",", row.namespaces()));
      ps.setString(7, row.health());
      ps.setString(8, row.inventoryJson());
      ps.setString(9, row.fqn());
      if (ps.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + CLUSTERS
                + " ("
                + CLUSTER_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, row.fqn());
      ps.setString(2, row.org());
      ps.setBoolean(3, row.present());
      ps.setLong(4, row.version());
      ps.setString(5, row.setHash());
      ps.setLong(6, row.historyFrom());
      ps.setString(7, String.join(",", row.namespaces()));
      ps.setString(8, row.health());
      ps.setString(9, row.inventoryJson());
      ps.executeUpdate();
    }
  }

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

  private static int bindKey(PreparedStatement ps, int at, String cluster, ObjectKey k)
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

  static void deleteObjects(Connection c, String cluster, Collection<ObjectKey> keys)
      throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + OBJECTS + KEY_WHERE)) {
      for (ObjectKey k : keys) {
        bindKey(ps, 1, cluster, k);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static void insertObjects(Connection c, String cluster, Collection<StoredObject> objects)
      throws SQLException {
    if (objects.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + OBJECTS
                + " (cluster_fqn, "
                + OBJECT_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (StoredObject o : objects) {
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
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  // ---- changes ----

  /** One change row: at {@code version}, {@code key} was upserted or deleted. */
  record Change(long version, ObjectKey key, String op) {}

  static void insertChanges(
      Connection c, String cluster, long version, Collection<ObjectKey> keys, String op)
      throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + CHANGES
                + " (cluster_fqn, version, api_version, obj_kind, obj_namespace, obj_name, op)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (ObjectKey k : keys) {
        ps.setString(1, cluster);
        ps.setLong(2, version);
        ps.setString(3, k.apiVersion());
        ps.setString(4, k.kind());
        ps.setString(5, k.namespace());
        ps.setString(6, k.name());
        ps.setString(7, op);
        ps.addBatch();
      }
      ps.executeBatch();
    }
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

  /** Deletes change rows of versions up to {@code throughVersion} (inclusive). */
  static void pruneChanges(Connection c, String cluster, long throughVersion) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + CHANGES + " WHERE cluster_fqn = ? AND version <= ?")) {
      ps.setString(1, cluster);
      ps.setLong(2, throughVersion);
      ps.executeUpdate();
    }
  }

  // ---- placements ----

  /** A resource version as listed in an object's inputs: {@code fqn@version}. */
  record Ref(String fqn, long version) {
    static Ref parse(String text) {
      int at = text.lastIndexOf('@');
      return new Ref(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
    }
  }

  static void insertPlacements(
      Connection c, String cluster, Collection<Ref> refs, long clusterVersion) throws SQLException {
    if (refs.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + PLACEMENTS
                + " (cluster_fqn, resource_fqn, resource_version, cluster_version) VALUES (?, ?, ?,"
                + " ?)")) {
      for (Ref r : refs) {
        ps.setString(1, cluster);
        ps.setString(2, r.fqn());
        ps.setLong(3, r.version());
        ps.setLong(4, clusterVersion);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static void deletePlacements(Connection c, String cluster, Collection<Ref> refs)
      throws SQLException {
    if (refs.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "DELETE FROM "
                + PLACEMENTS
                + " WHERE cluster_fqn = ? AND resource_fqn = ? AND resource_version = ?")) {
      for (Ref r : refs) {
        ps.setString(1, cluster);
        ps.setString(2, r.fqn());
        ps.setLong(3, r.version());
        ps.addBatch();
      }
      ps.executeBatch();
    }
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
