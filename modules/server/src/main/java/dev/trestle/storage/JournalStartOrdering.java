package dev.trestle.storage;

import java.sql.Connection;
import java.sql.SQLException;
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
 * GapFreeBelowStartReadJournalDao} lets the read journal move past those gaps at once. Nothing is
 * recorded on PostgreSQL, where other nodes may hold a lower ordering in an open transaction.
 */
public final class JournalStartOrdering implements Extension {
  private static final Id ID = new Id();
  private volatile OptionalLong ordering = OptionalLong.empty();

  public static JournalStartOrdering get(ActorSystem system) {
    return ID.get(system);
  }

  /** Reads and records the highest ordering; call before entities start (embedded only). */
  public long record(Connection journal) throws SQLException {
    try (var ps = journal.prepareStatement("SELECT MAX(\"ordering\") FROM \"event_journal\"");
        var rs = ps.executeQuery()) {
      rs.next();
      long max = rs.getLong(1);
      ordering = OptionalLong.of(max);
      return max;
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
