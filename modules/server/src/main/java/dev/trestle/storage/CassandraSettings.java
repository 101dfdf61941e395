package dev.trestle.storage;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the Cassandra journal lives ({@code trestle.storage.cassandra.*}), read once and checked: a
 * bad value fails the start with the key, the value and what is wrong, before anything connects.
 * {@link #pekkoKeys()} turns it into the plugin's and the driver's own keys.
 */
public record CassandraSettings(
    List<String> contactPoints, String localDatacenter, String keyspace, int replicationFactor) {

  /** Where pekko-persistence-cassandra reads its settings, and the name of its session. */
  public static final String PLUGIN = "pekko.persistence.cassandra";

  // Cassandra's own rule for unquoted keyspace names (the plugin checks the same).
  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z0-9_]{1,48}");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

  public CassandraSettings {
    contactPoints = List.copyOf(contactPoints);
  }

  public static CassandraSettings from(Config config) {
    Config c = config.getConfig("trestle.storage.cassandra");
    return new CassandraSettings(
        contactPoints(c.getString("contact-points")),
        datacenter(c.getString("local-datacenter")),
        keyspace(c.getString("keyspace")),
        replicationFactor(c.getInt("replication-factor")));
  }

  /**
   * Journal and snapshots in one keyspace (their tables differ), created by the project with
   * NetworkTopologyStrategy and the configured factor in the local datacenter; the driver connects
   * to the contact points and treats that datacenter as local.
   */
  public Map<String, Object> pekkoKeys() {
    Map<String, Object> keys = new HashMap<>();
    // Entities keep writing through the metered journal (events counted on /metrics); it stores
    // through Cassandra.
    keys.put("trestle-metered-journal.target-plugin", PLUGIN + ".journal");
    keys.put("pekko.persistence.snapshot-store.plugin", PLUGIN + ".snapshot");
    keys.put("datastax-java-driver.basic.contact-points", contactPoints);
    keys.put("datastax-java-driver.basic.load-balancing-policy.local-datacenter", localDatacenter);
    for (String part : List.of("journal", "snapshot")) {
      String prefix = PLUGIN + "." + part + ".";
      keys.put(prefix + "keyspace", keyspace);
      keys.put(prefix + "replication-strategy", "NetworkTopologyStrategy");
      keys.put(prefix + "replication-factor", replicationFactor);
      keys.put(
          prefix + "data-center-replication-factors",
          List.of(localDatacenter + ":" + replicationFactor));
    }
    return keys;
  }

  private static List<String> contactPoints(String raw) {
    var points = new ArrayList<String>();
    for (String part : raw.split(",")) {
      String point = part.strip();
      if (point.isEmpty()) {
        continue;
      }
      var m = HOST_PORT.matcher(point);
      if (!m.matches()
          || Integer.parseInt(m.group(2)) < 1
          || Integer.parseInt(m.group(2)) > 65535) {
        throw new IllegalArgumentException(
            "trestle.storage.cassandra.contact-points: '"
                + point
                + "' is not host:port (e.g. 127.0.0.1:9042)");
      }
      points.add(point);
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "trestle.storage.cassandra.contact-points is empty: the cassandra profile needs at least"
              + " one host:port (TRESTLE_CASSANDRA_CONTACT_POINTS, comma-separated)");
    }
    return points;
  }

  private static String datacenter(String raw) {
    String dc = raw.strip();
    if (dc.isEmpty() || dc.contains(":") || dc.contains("'")) {
      throw new IllegalArgumentException(
          "trestle.storage.cassandra.local-datacenter = '"
              + raw
              + "' is not a datacenter name (Cassandra's default is datacenter1)");
    }
    return dc;
  }

  private static String keyspace(String raw) {
    if (!KEYSPACE.matcher(raw).matches()) {
      throw new IllegalArgumentException(
          "trestle.storage.cassandra.keyspace = '"
              + raw
              + "' is not a keyspace name: 1-48 letters, digits or underscores");
    }
    return raw;
  }

  private static int replicationFactor(int rf) {
    if (rf < 1 || rf > 100) {
      throw new IllegalArgumentException(
          "trestle.storage.cassandra.replication-factor = " + rf + " must be between 1 and 100");
    }
    return rf;
  }
}
