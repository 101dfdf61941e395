package dev.trestle.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;

/**
 * Which journal the storage profile ({@code trestle.storage.profile}) writes to, and so which read
 * journal every reader of events uses: the projections (events by tag), resource history (events by
 * persistence id) and the cluster registry (persistence ids). The only place that names a journal
 * implementation; the journal plugin itself is chosen in configuration (Settings).
 */
public final class EventJournal {
  public static final String CASSANDRA = "cassandra";

  /**
   * How long creating the schema may take: Cassandra applies each table creation cluster-wide and
   * waits for schema agreement, seconds per table on a busy node (35 s measured for the first start
   * under load 15 on 2 cores).
   */
  public static final Duration SCHEMA_TIMEOUT = Duration.ofMinutes(2);

  private static final String H2_SCRIPT = "schema/h2/h2-create-schema.sql";
  private static final Pattern NON_IDEMPOTENT_INDEX =
      Pattern.compile("CREATE (UNIQUE )?INDEX (?!IF NOT EXISTS)", Pattern.CASE_INSENSITIVE);

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
        PersistenceQuery.get(system.classicSystem())
            .getReadJournalFor(ReadJournal.class, readJournalId(system));
    return queryType.cast(journal);
  }

  /** Creates the journal's tables (and on Cassandra its keyspace) if missing; re-runnable. */
  public static CompletionStage<Done> createSchema(ActorSystem<?> system) {
    if (isCassandra(system)) {
      return CassandraSchema.create(system, SCHEMA_TIMEOUT);
    }
    String profile = system.settings().config().getString("trestle.storage.profile");
    return StorageSettings.EMBEDDED.equals(profile)
        ? idempotentH2Schema(system)
        : SchemaUtils.createIfNotExists(system);
  }

  /**
   * The plugin's H2 script creates one index without IF NOT EXISTS; {@code createIfNotExists}
   * swallows the "already exists" error on every restart, but H2 writes its stack trace into {@code
   * trestle.trace.db} each time. The same script with that statement made idempotent runs cleanly
   * (and the plugin's own way is kept should a new plugin version change the script). It adds the
   * tag index events-by-tag reads through on H2 ({@link H2EventsByTag}).
   */
  private static CompletionStage<Done> idempotentH2Schema(ActorSystem<?> system) {
    String script;
    try (InputStream in = EventJournal.class.getClassLoader().getResourceAsStream(H2_SCRIPT)) {
      if (in == null) {
        return SchemaUtils.createIfNotExists(system);
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return SchemaUtils.createIfNotExists(system);
    }
    String idempotent =
        script.replace("CREATE UNIQUE INDEX \"", "CREATE UNIQUE INDEX IF NOT EXISTS \"");
    if (NON_IDEMPOTENT_INDEX.matcher(idempotent).find()) {
      return SchemaUtils.createIfNotExists(system);
    }
    return SchemaUtils.applyScript(idempotent + "\n" + H2EventsByTag.INDEX + ";\n", system);
  }
}
