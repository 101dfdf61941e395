package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredStateSchema.CLUSTERS;
import static dev.trestle.desiredstate.DesiredStateSchema.META;
import static dev.trestle.desiredstate.DesiredStateSchema.RESOURCES;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.trestle.protocol.v1.Resource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of the desired-state tables that hold the projection's inputs (its event count, the
 * resources it translates, the cluster rows), shared by the projection handler, the store and the
 * impact preview. The output tables (objects, changes, placements) are {@link DesiredObjectTables}.
 */
final class DesiredStateTables {
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

  /** The stored resources of one organization. */
  static List<Resource> loadResources(Connection c, String org) throws SQLException {
    var out = new ArrayList<Resource>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT resource_json FROM " + RESOURCES + " WHERE org = ?")) {
      ps.setString(1, org);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(parse(rs.getString(1)));
        }
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
      "fqn, org, present, version, set_hash, history_from, namespaces, health, inventory_json,"
          + " failing_services";

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
        list(ns),
        rs.getString(8),
        rs.getString(9),
        list(rs.getString(10)));
  }

  private static List<String> list(String commaSeparated) {
    return commaSeparated == null || commaSeparated.isEmpty()
        ? List.of()
        : Arrays.asList(commaSeparated.split(","));
  }

  static final String UPDATE_CLUSTER =
      "UPDATE "
          + CLUSTERS
          + " SET org = ?, present = ?, version = ?, set_hash = ?, history_from = ?,"
          + " namespaces = ?, health = ?, inventory_json = ?, failing_services = ?"
          + " WHERE fqn = ?";

  static void bindUpdate(PreparedStatement ps, ClusterRow row) throws SQLException {
    ps.setString(1, row.org());
    ps.setBoolean(2, row.present());
    ps.setLong(3, row.version());
    ps.setString(4, row.setHash());
    ps.setLong(5, row.historyFrom());
    ps.setString(6, String.join(",", row.namespaces()));
    ps.setString(7, row.health());
    ps.setString(8, row.inventoryJson());
    ps.setString(9, String.join(",", row.failingServices()));
    ps.setString(10, row.fqn());
  }

  static void saveCluster(Connection c, ClusterRow row) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(UPDATE_CLUSTER)) {
      bindUpdate(ps, row);
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
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, row.fqn());
      ps.setString(2, row.org());
      ps.setBoolean(3, row.present());
      ps.setLong(4, row.version());
      ps.setString(5, row.setHash());
      ps.setLong(6, row.historyFrom());
      ps.setString(7, String.join(",", row.namespaces()));
      ps.setString(8, row.health());
      ps.setString(9, row.inventoryJson());
      ps.setString(10, String.join(",", row.failingServices()));
      ps.executeUpdate();
    }
  }
}
