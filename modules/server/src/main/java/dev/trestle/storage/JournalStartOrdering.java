package dev.trestle.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * The journal's highest ordering when this node started, recorded only where every ordering at or
 * below it is known to be final: on the embedded profile this process is the journal's only writer
 * (H2 refuses a second process on the data directory), and it is read before any entity of this
 * process can write, so each lower ordering is committed already or never will be (a rolled-back
 * insert, an H2 identity jump after a crash, a heartbeat event deleted on snapshot). {@link
 * GapFreeBelowStartReadJournalDao} lets the read journal move past those gaps at once. On
 * PostgreSQL other nodes may hold a lower ordering in an open transaction, so the highest ordering
 * is read under a SHARE lock of the journal table ({@link #recordWhenWritersDone}): the lock waits
 * for every transaction that writes the journal (an insert takes its ordering after its ROW
 * EXCLUSIVE lock, held to its end), so every ordering handed out before it is committed or rolled
 * back for good when the maximum is read.
 */
public final class JournalStartOrdering implements Extension {
  private static final Id ID = new Id();

  /** PostgreSQL's SQLSTATE when lock_timeout expired. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private volatile OptionalLong ordering = OptionalLong.empty();

  public static JournalStartOrdering get(ActorSystem system) {
    return ID.get(system);
  }

  /**
   * Reads and records the highest ordering; call before entities start, on a journal this process
   * is the only writer of (embedded).
   */
  public long record(Connection journal) throws SQLException {
    long max = max(journal);
    ordering = OptionalLong.of(max);
    return max;
  }

  /**
   * Reads and records the highest ordering of a journal other nodes may be writing (PostgreSQL): in
   * one transaction, a SHARE lock of the journal table (waited for at most {@code lockTimeout};
   * journal writers are held back meanwhile, for the length of one read), then the maximum. Empty,
   * and nothing recorded (gaps are then waited for as by default), when the lock was not had in
   * time.
   */
  public OptionalLong recordWhenWritersDone(Connection journal, Duration lockTimeout)
      throws SQLException {
    boolean autoCommit = journal.getAutoCommit();
    journal.setAutoCommit(false);
    try (Statement st = journal.createStatement()) {
      st.execute("SET LOCAL lock_timeout = '" + Math.max(1, lockTimeout.toMillis()) + "ms'");
      st.execute("LOCK TABLE \"event_journal\" IN SHARE MODE");
      long max = max(journal);
      journal.commit();
      ordering = OptionalLong.of(max);
      return ordering;
    } catch (SQLException e) {
      journal.rollback();
      if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        return OptionalLong.empty();
      }
      throw e;
    } finally {
      journal.setAutoCommit(autoCommit);
    }
  }

  private static long max(Connection journal) throws SQLException {
    try (var ps = journal.prepareStatement("SELECT MAX(\"ordering\") FROM \"event_journal\"");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public OptionalLong ordering() {
    return ordering;
  }

  private static final class Id extends AbstractExtensionId<JournalStartOrdering> {
    @Override
    public JournalStartOrdering createExtension(ExtendedActorSystem system) {
      return new JournalStartOrdering();
    }
  }
}
