package dev.trestle.observability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Backlog from pekko-persistence-jdbc's tables, which share the read models' database on the JDBC
 * profiles: tagged events with an ordering above the projection's Sequence offset.
 */
public final class JdbcJournalBacklog implements JournalBacklog {
  @Override
  public Backlog after(Connection c, String tag, Optional<StoredOffset> stored) throws SQLException {
    long offset = stored.map(o -> Long.parseLong(o.value())).orElse(0L);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT COUNT(*), MIN(j.\"write_timestamp\") FROM \"event_tag\" t"
                + " JOIN \"event_journal\" j ON j.\"ordering\" = t.\"event_id\""
                + " WHERE t.\"tag\" = ? AND t.\"event_id\" > ?")) {
      ps.setString(1, tag);
      ps.setLong(2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Backlog(offset, rs.getLong(1), rs.getLong(2));
      }
    }
  }
}
