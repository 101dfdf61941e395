package dev.trestle.storage;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;

/**
 * Which journal the storage profile ({@code trestle.storage.profile}) writes to, and so which read
 * journal every reader of events uses: the projections (events by tag), resource history (events
 * by persistence id) and the cluster registry (persistence ids). The only place that names a
 * journal implementation; the journal plugin itself is chosen in configuration (Settings).
 */
public final class EventJournal {
  public static final String CASSANDRA = "cassandra";

  private EventJournal() {}

  /** True when the journal is in Cassandra; JDBC (H2 or PostgreSQL) otherwise. */
  public static boolean isCassandra(ActorSystem<?> system) {
    return CASSANDRA.equals(system.settings().config().getString("trestle.storage.profile"));
  }

  /** The read journal's plugin id, for {@code EventSourcedProvider.eventsByTag}. */
  public static String readJournalId(ActorSystem<?> system) {
    return isCassandra(system) ? CassandraReadJournal.Identifier() : JdbcReadJournal.Identifier();
  }

  /**
   * The read journal as one of the query interfaces both implement ({@code
   * CurrentEventsByPersistenceIdQuery}, {@code CurrentPersistenceIdsQuery}, {@code
   * CurrentEventsByTagQuery}).
   */
  public static <T> T query(ActorSystem<?> system, Class<T> queryType) {
    ReadJournal journal =
        PersistenceQuery.get(system.classicSystem()).getReadJournalFor(ReadJournal.class, readJournalId(system));
    return queryType.cast(journal);
  }

  /** Creates the journal's tables (and on Cassandra its keyspace) if missing; re-runnable. */
  public static CompletionStage<Done> createSchema(ActorSystem<?> system, Duration timeout) {
    return isCassandra(system) ? CassandraSchema.create(system, timeout) : SchemaUtils.createIfNotExists(system);
  }
}
