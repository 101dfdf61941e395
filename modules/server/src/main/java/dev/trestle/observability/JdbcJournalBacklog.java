package dev.trestle.observability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Backlog from pekko-persistence-jdbc's tables, which share the read models' database on the JDBC
 * profiles: tagged events with an ordering above the projection's Sequence offset. The count stops
 * at {@link #COUNT_CAP}: counting a backlog of millions (a heartbeat flood) every poll took the
 * blocking dispatcher the edge sessions also use; past the cap the figure says "at least".
 */
public final class JdbcJournalBacklog implements JournalBacklog {
  static final long COUNT_CAP = 100_000;

  @Override
  public Backlog after(Connection c, String tag, Optional<StoredOffset> stored)
      throws SQLException {
    long offset = stored.map(o -> Long.parseLong(o.value())).orElse(0L);
    long pending;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM (SELECT t.\"event_id\" FROM \"event_tag\" t WHERE t.\"tag\" = ?"
                + " AND t.\"event_id\" > ? ORDER BY t.\"event_id\" LIMIT ?) pending")) {
      ps.setString(1, tag);
      ps.setLong(2, offset);
      ps.setLong(3, COUNT_CAP);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        pending = rs.getLong(1);
      }
    }
    if (pending == 0) {
      return new Backlog(offset, 0, 0);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT j.\"write_timestamp\" FROM \"event_tag\" t"
                + " JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\""
                + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ? ORDER BY t.\"event_id\" LIMIT 1")) {
      ps.setString(1, tag);
      ps.setLong(2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        return new Backlog(offset, pending, rs.next() ? rs.getLong(1) : 0);
      }
    }
  }
}
