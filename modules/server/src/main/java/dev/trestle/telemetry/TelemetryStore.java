package dev.trestle.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Reads summed counters per series and time slot for one organization and time range, from the
 * minute rows or the hourly rollup, with an optional destination-service prefix. The sums are done
 * by the database (the bucket columns add up like the counters); what the rows mean is {@link
 * TrafficQueries}'s job.
 */
final class TelemetryStore {
  private final DataSource dataSource;

  TelemetryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The sums of one series over one slot ({@code slot} counts steps from the range's start). */
  record Row(SeriesKey key, int slot, SeriesCounters counters) {}

  /**
   * @param fromS range start, epoch seconds (inclusive; aligned by the caller)
   * @param toS range end, epoch seconds (exclusive)
   * @param stepS slot length in seconds (the whole range for one slot)
   * @param hourly read the hourly rollup instead of the minutes
   * @param servicePrefix only destination services starting with this ("" for all)
   * @param narrowing only series this condition keeps (a tenant's or workspace's namespaces)
   */
  List<Row> sums(
      String org,
      long fromS,
      long toS,
      long stepS,
      boolean hourly,
      String servicePrefix,
      ScopeNarrowing narrowing)
      throws SQLException {
    String table = hourly ? TelemetrySchema.HOUR : TelemetrySchema.MINUTE;
    String time = hourly ? "t.hour_s" : "t.minute_s";
    String sums =
        TelemetrySchema.COUNTERS.stream()
            .map(c -> "SUM(t." + c + ")")
            .collect(Collectors.joining(", "));
    String attrs =
        "s.cluster, s.src_workload, s.src_namespace, s.src_cluster, s.dst_service,"
            + " s.dst_namespace, s.dst_cluster, s.response_class";
    // The slot expression has numbers, not parameters, so GROUP BY can repeat it verbatim.
    String slot = "(" + time + " - " + fromS + ") / " + stepS;
    String sql =
        "SELECT "
            + attrs
            + ", "
            + slot
            + ", "
            + sums
            + " FROM "
            + table
            + " t JOIN "
            + TelemetrySchema.SERIES
            + " s ON s.id = t.series_id WHERE s.org = ? AND "
            + time
            + " >= ? AND "
            + time
            + " < ?"
            + (servicePrefix.isEmpty() ? "" : " AND s.dst_service LIKE ? ESCAPE '!'")
            + (narrowing.sql().isEmpty() ? "" : " AND " + narrowing.sql())
            + " GROUP BY "
            + attrs
            + ", "
            + slot;
    var out = new ArrayList<Row>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, org);
      ps.setLong(2, fromS);
      ps.setLong(3, toS);
      int next = 4;
      if (!servicePrefix.isEmpty()) {
        ps.setString(next++, likePrefix(servicePrefix));
      }
      for (String p : narrowing.params()) {
        ps.setString(next++, p);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          var key =
              new SeriesKey(
                  org,
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8));
          out.add(new Row(key, (int) rs.getLong(9), SeriesCounters.read(rs, 10)));
        }
      }
    }
    return out;
  }

  /** The organizations any series was ever reported for. */
  List<String> organizations() throws SQLException {
    var out = new ArrayList<String>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT DISTINCT org FROM " + TelemetrySchema.SERIES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String likePrefix(String prefix) {
    return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
  }
}
