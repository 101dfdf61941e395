package dev.trestle.desiredstate;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The desired-state read model. Re-runnable DDL in the subset of SQL that H2 and PostgreSQL both
 * accept (VARCHAR, BIGINT, BOOLEAN; no CLOB, no MERGE); each statement is a migration step, never
 * edited once shipped (add new steps instead). See docs/desired-state.md.
 */
public final class DesiredStateSchema {
  /** The projection's own copy of every current config resource (full proto JSON). */
  public static final String RESOURCES = "trestle_desired_resources";

  /**
   * One row per cluster FQN seen: its Cluster resource exists (present) or not (inventory only, or
   * deleted).
   */
  public static final String CLUSTERS = "trestle_desired_clusters";

  /** The objects each present cluster must run now. */
  public static final String OBJECTS = "trestle_desired_objects";

  /** Per cluster and version: which object keys were upserted or deleted (bounded history). */
  public static final String CHANGES = "trestle_desired_changes";

  /**
   * Per cluster: every resource version its objects carry, and the cluster version it came with.
   */
  public static final String PLACEMENTS = "trestle_desired_placements";

  /**
   * Per revision rollout: the namespace labels its stages ask the edges to set (docs/upgrades.md).
   */
  public static final String REVISION_LABELS = "trestle_desired_revision_labels";

  /** One row: how many events the tables reflect; the handler's cache checks it before use. */
  public static final String META = "trestle_desired_meta";

  static final List<String> MIGRATIONS =
      List.of(
          "CREATE TABLE IF NOT EXISTS "
              + RESOURCES
              + " ("
              + " fqn VARCHAR(1024) NOT NULL PRIMARY KEY,"
              + " org VARCHAR(256) NOT NULL,"
              + " kind VARCHAR(64) NOT NULL,"
              + " version BIGINT NOT NULL,"
              + " resource_json VARCHAR(1000000) NOT NULL)",
          "CREATE INDEX IF NOT EXISTS trestle_desired_resources_org_idx ON "
              + RESOURCES
              + " (org, fqn)",
          "CREATE TABLE IF NOT EXISTS "
              + CLUSTERS
              + " ("
              + " fqn VARCHAR(1024) NOT NULL PRIMARY KEY,"
              + " org VARCHAR(256) NOT NULL,"
              + " present BOOLEAN NOT NULL,"
              + " version BIGINT NOT NULL,"
              + " set_hash VARCHAR(64) NOT NULL,"
              + " history_from BIGINT NOT NULL,"
              + " namespaces VARCHAR(1000000) NOT NULL)",
          "CREATE TABLE IF NOT EXISTS "
              + OBJECTS
              + " ("
              + " cluster_fqn VARCHAR(1024) NOT NULL,"
              + " api_version VARCHAR(256) NOT NULL,"
              + " obj_kind VARCHAR(128) NOT NULL,"
              + " obj_namespace VARCHAR(253) NOT NULL,"
              + " obj_name VARCHAR(253) NOT NULL,"
              + " source_fqn VARCHAR(1024) NOT NULL,"
              + " source_version BIGINT NOT NULL,"
              + " inputs VARCHAR(100000) NOT NULL,"
              + " json VARCHAR(1000000) NOT NULL,"
              + " content_hash VARCHAR(64) NOT NULL,"
              + " PRIMARY KEY (cluster_fqn, obj_namespace, obj_kind, obj_name, api_version))",
          "CREATE TABLE IF NOT EXISTS "
              + CHANGES
              + " ( cluster_fqn VARCHAR(1024) NOT NULL, version BIGINT NOT NULL, api_version"
              + " VARCHAR(256) NOT NULL, obj_kind VARCHAR(128) NOT NULL, obj_namespace VARCHAR(253)"
              + " NOT NULL, obj_name VARCHAR(253) NOT NULL, op VARCHAR(8) NOT NULL, PRIMARY KEY"
              + " (cluster_fqn, version, obj_namespace, obj_kind, obj_name, api_version))",
          "CREATE TABLE IF NOT EXISTS "
              + PLACEMENTS
              + " ("
              + " cluster_fqn VARCHAR(1024) NOT NULL,"
              + " resource_fqn VARCHAR(1024) NOT NULL,"
              + " resource_version BIGINT NOT NULL,"
              + " cluster_version BIGINT NOT NULL,"
              + " PRIMARY KEY (cluster_fqn, resource_fqn, resource_version))",
          "CREATE INDEX IF NOT EXISTS trestle_desired_placements_fqn_idx ON "
              + PLACEMENTS
              + " (resource_fqn, cluster_fqn)",
          "CREATE TABLE IF NOT EXISTS "
              + META
              + " ("
              + " id INT NOT NULL PRIMARY KEY,"
              + " events_applied BIGINT NOT NULL)",
          // Service catalog input (docs/multicluster.md): the cluster's health as projected and
          // its whole latest inventory.
          "ALTER TABLE "
              + CLUSTERS
              + " ADD COLUMN IF NOT EXISTS health VARCHAR(16) DEFAULT 'UNKNOWN' NOT NULL",
          "ALTER TABLE "
              + CLUSTERS
              + " ADD COLUMN IF NOT EXISTS inventory_json VARCHAR(1000000) DEFAULT '{}' NOT NULL",
          // Failover by telemetry (docs/telemetry.md): the services ("ns/name", comma-separated)
          // central marked failing by their error ratio in this cluster.
          "ALTER TABLE "
              + CLUSTERS
              + " ADD COLUMN IF NOT EXISTS failing_services VARCHAR(1000000) DEFAULT '' NOT NULL",
          "CREATE TABLE IF NOT EXISTS "
              + REVISION_LABELS
              + " ("
              + " rollout_fqn VARCHAR(1024) NOT NULL PRIMARY KEY,"
              + " org VARCHAR(256) NOT NULL,"
              + " version BIGINT NOT NULL,"
              + " labels_json VARCHAR(1000000) NOT NULL)");

  private DesiredStateSchema() {}

  public static void migrate(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement()) {
      for (String sql : MIGRATIONS) {
        st.execute(sql);
      }
    }
  }
}
