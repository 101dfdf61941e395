package dev.trestle.observability;

import dev.trestle.storage.EventJournal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The events of one tag that a projection has not processed yet: what lies in the journal after the
 * projection's stored offset. One implementation per journal (JDBC tables, Cassandra's
 * events-by-tag query), chosen by the storage profile.
 */
public interface JournalBacklog {
  /** An offset row of the projection offset store: its text and its kind (SEQ, TBU, ...). */
  record StoredOffset(String value, String manifest) {}

  /**
   * {@code offset} as a number for /health (a sequence number, or the epoch milliseconds of a
   * time-based offset), events pending after it, and the write time of the oldest of them.
   */
  record Backlog(long offset, long pending, long oldestMillis) {}

  /** The backlog reader for the journal the storage profile writes to. */
  static JournalBacklog of(ActorSystem<?> system, Clock clock) {
    return EventJournal.isCassandra(system)
        ? new CassandraJournalBacklog(system, clock)
        : new JdbcJournalBacklog();
  }

  /** {@code readModels} is an open connection to the read-model database (offsets live there). */
  Backlog after(Connection readModels, String tag, Optional<StoredOffset> offset)
      throws SQLException;
}
