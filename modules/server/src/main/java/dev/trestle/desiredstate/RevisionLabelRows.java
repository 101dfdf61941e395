package dev.trestle.desiredstate;

import static dev.trestle.desiredstate.DesiredStateSchema.REVISION_LABELS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.protocol.Fqn;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import dev.trestle.translator.NamespaceRevisions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The namespace labels each revision rollout asks for, as its stage events last said
 * (docs/upgrades.md), in the projection's table: the handler keeps them in memory and adds them to
 * each cluster's translation as NamespaceRevision objects.
 */
final class RevisionLabelRows {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<NamespaceLabel>> LIST = new TypeReference<>() {};

  /** One rollout's labels; {@code org} its organization, {@code version} its resource version. */
  record Row(String rollout, String org, long version, List<NamespaceLabel> labels) {
    Row {
      labels = List.copyOf(labels);
    }

    /** The names of the clusters it labels in. */
    TreeSet<String> clusters() {
      var out = new TreeSet<String>();
      labels.forEach(l -> out.add(l.cluster()));
      return out;
    }
  }

  private RevisionLabelRows() {}

  static Map<String, Row> load(Connection c) throws SQLException {
    var out = new HashMap<String, Row>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT rollout_fqn, org, version, labels_json FROM " + REVISION_LABELS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(
            rs.getString(1),
            new Row(rs.getString(1), rs.getString(2), rs.getLong(3), parse(rs.getString(4))));
      }
    }
    return out;
  }

  static void save(Connection c, Row row) throws SQLException {
    delete(c, row.rollout());
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + REVISION_LABELS
                + " (rollout_fqn, org, version, labels_json) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, row.rollout());
      ps.setString(2, row.org());
      ps.setLong(3, row.version());
      try {
        ps.setString(4, JSON.writeValueAsString(row.labels()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
      ps.executeUpdate();
    }
  }

  static void delete(Connection c, String rollout) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + REVISION_LABELS + " WHERE rollout_fqn = ?")) {
      ps.setString(1, rollout);
      ps.executeUpdate();
    }
  }

  /** The labels every rollout of {@code org} asks for in the cluster {@code cluster} (FQN). */
  static List<NamespaceRevisions.Label> forCluster(Map<String, Row> rows, String cluster) {
    Fqn fqn = Fqn.parse(cluster);
    String org = OrgInputs.orgOf(cluster);
    var out = new ArrayList<NamespaceRevisions.Label>();
    for (Row row : rows.values()) {
      if (!row.org().equals(org)) {
        continue;
      }
      for (NamespaceLabel l : row.labels()) {
        if (l.cluster().equals(fqn.name())) {
          out.add(
              new NamespaceRevisions.Label(
                  row.rollout(), row.version(), l.namespace(), l.revision(), l.restartedAt()));
        }
      }
    }
    return out;
  }

  private static List<NamespaceLabel> parse(String json) {
    try {
      return JSON.readValue(json, LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored revision labels are not JSON", e);
    }
  }
}
