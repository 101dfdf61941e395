package dev.trestle.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads and writes audit rows with parameterized SQL only. */
public final class AuditStore {
  private static final String COLUMNS =
      "id, event_time_us, principal, operation, outcome, kind, fqn, version, request_id, message,"
          + " changes_json";
  private static final int MAX_MESSAGE = 4000;
  private static final int MAX_CHANGES = 1_000_000;

  private final DataSource dataSource;

  public AuditStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Inserts the row of one journaled change unless it is already there (keyed by persistence id
   * and sequence number), inside the projection's transaction.
   */
  static void insertAccepted(Connection c, AuditRow row, String sourcePid, long sourceSeq)
      throws SQLException {
    String sql =
        "INSERT INTO "
            + AuditSchema.TABLE
            + " (event_time_us, principal, operation, outcome, kind, fqn, version, request_id,"
            + " message, changes_json, source_pid, source_seq)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
            + AuditSchema.TABLE
            + " WHERE source_pid = ? AND source_seq = ?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bindRow(ps, row);
      ps.setString(11, sourcePid);
      ps.setLong(12, sourceSeq);
      ps.setString(13, sourcePid);
      ps.setLong(14, sourceSeq);
      ps.executeUpdate();
    }
  }

  /** Records a refused attempt; never the refused payload, only who, what and why. */
  public void insertRefused(AuditRow row) throws SQLException {
    String sql =
        "INSERT INTO "
            + AuditSchema.TABLE
            + " (event_time_us, principal, operation, outcome, kind, fqn, version, request_id,"
            + " message, changes_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bindRow(ps, row);
      ps.executeUpdate();
    }
  }

  private static void bindRow(PreparedStatement ps, AuditRow row) throws SQLException {
    ps.setLong(1, row.timeMicros());
    ps.setString(2, truncate(row.principal(), 256));
    ps.setString(3, row.operation());
    ps.setString(4, row.outcome());
    ps.setString(5, row.kind());
    ps.setString(6, truncate(row.fqn(), 1024));
    ps.setLong(7, row.version());
    ps.setString(8, truncate(row.requestId(), 128));
    ps.setString(9, truncate(row.message(), MAX_MESSAGE));
    String changes = row.changesJson();
    ps.setString(10, changes == null || changes.length() > MAX_CHANGES ? null : changes);
  }

  /** One page, newest first; fetches one extra row to know whether another page exists. */
  public List<AuditRow> query(AuditFilter f) throws SQLException {
    var sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ").append(AuditSchema.TABLE).append(" WHERE 1=1");
    var params = new ArrayList<Object>();
    if (f.resource() != null && f.recursive()) {
      sql.append(" AND (fqn = ? OR fqn LIKE ? ESCAPE '\\')");
      params.add(f.resource());
      params.add(escapeLike(f.resource()) + "/%");
    } else if (f.resource() != null) {
      sql.append(" AND fqn = ?");
      params.add(f.resource());
    }
    if (f.principal() != null) {
      sql.append(" AND principal = ?");
      params.add(f.principal());
    }
    if (f.kind() != null) {
      sql.append(" AND kind = ?");
      params.add(f.kind());
    }
    if (f.operation() != null) {
      sql.append(" AND operation = ?");
      params.add(f.operation());
    }
    if (f.outcome() != null) {
      sql.append(" AND outcome = ?");
      params.add(f.outcome());
    }
    if (f.sinceMicros() != null) {
      sql.append(" AND event_time_us >= ?");
      params.add(f.sinceMicros());
    }
    if (f.untilMicros() != null) {
      sql.append(" AND event_time_us < ?");
      params.add(f.untilMicros());
    }
    if (f.text() != null) {
      sql.append(" AND LOWER(message) LIKE ? ESCAPE '\\'");
      params.add("%" + escapeLike(f.text().toLowerCase(java.util.Locale.ROOT)) + "%");
    }
    if (f.afterTimeMicros() != Long.MAX_VALUE) {
      // The first conjunct is a range the index can seek to; the second breaks ties.
      sql.append(" AND event_time_us <= ? AND (event_time_us < ? OR id < ?)");
      params.add(f.afterTimeMicros());
      params.add(f.afterTimeMicros());
      params.add(f.afterId());
    }
    // Columns fixed by equality lead the ORDER BY (it orders the same) so that H2 and
    // PostgreSQL walk the matching (column, time, id) index backwards and stop after one page
    // instead of sorting every matching row.
    sql.append(" ORDER BY ").append(sortPrefix(f)).append("event_time_us DESC, id DESC LIMIT ?");
    params.add(f.pageSize() + 1);

    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Long l) {
          ps.setLong(i + 1, l);
        } else if (p instanceof Integer n) {
          ps.setInt(i + 1, n);
        } else {
          ps.setString(i + 1, (String) p);
        }
      }
      var rows = new ArrayList<AuditRow>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new AuditRow(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getLong(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11)));
        }
      }
      return rows;
    }
  }

  /** Deletes rows older than the cut-off in bounded batches; returns how many went. */
  public long deleteOlderThan(long cutoffMicros, int batch) throws SQLException {
    long total = 0;
    String sql =
        "DELETE FROM "
            + AuditSchema.TABLE
            + " WHERE id IN (SELECT id FROM "
            + AuditSchema.TABLE
            + " WHERE event_time_us < ? ORDER BY event_time_us LIMIT ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      while (true) {
        ps.setLong(1, cutoffMicros);
        ps.setInt(2, batch);
        int n = ps.executeUpdate();
        total += n;
        if (n < batch) {
          return total;
        }
      }
    }
  }

  static String sortPrefix(AuditFilter f) {
    if (f.resource() != null && !f.recursive()) {
      return "fqn DESC, ";
    }
    if (f.principal() != null) {
      return "principal DESC, ";
    }
    if (f.kind() != null && f.operation() != null) {
      return "kind DESC, operation DESC, ";
    }
    if (f.kind() != null) {
      return "kind DESC, ";
    }
    return "";
  }

  static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static String truncate(String s, int max) {
    return s == null ? "" : s.length() <= max ? s : s.substring(0, max);
  }
}
