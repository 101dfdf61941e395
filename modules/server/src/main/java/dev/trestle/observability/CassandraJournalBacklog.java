package dev.trestle.observability;

import dev.trestle.storage.EventJournal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.TimeBasedUUID;

/**
 * Backlog from the Cassandra journal: a bounded current events-by-tag query after the projection's
 * TimeBasedUUID offset. Like the projections it sees an event only once the plugin's
 * eventual-consistency delay has passed. Without an offset yet it looks back one {@link #WINDOW}
 * only, so a poll never scans every time bucket since the first one.
 */
public final class CassandraJournalBacklog implements JournalBacklog {
  static final Duration WINDOW = Duration.ofHours(1);

  /** At most this many pending events are counted per poll; the age stays exact. */
  static final int MAX_COUNTED = 10_000;

  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

  private final ActorSystem<?> system;
  private final Clock clock;

  public CassandraJournalBacklog(ActorSystem<?> system, Clock clock) {
    this.system = system;
    this.clock = clock;
  }

  @Override
  public Backlog after(Connection c, String tag, Optional<StoredOffset> stored)
      throws SQLException {
    CassandraReadJournal journal = EventJournal.query(system, CassandraReadJournal.class);
    Offset from =
        stored
            .<Offset>map(o -> new TimeBasedUUID(UUID.fromString(o.value())))
            .orElseGet(() -> journal.timeBasedUUIDFrom(clock.millis() - WINDOW.toMillis()));
    long offsetMillis =
        from instanceof TimeBasedUUID t && stored.isPresent() ? journal.timestampFrom(t) : 0;
    try {
      long[] countAndOldest =
          journal
              .currentEventsByTag(tag, from)
              .take(MAX_COUNTED)
              .runFold(
                  new long[] {0, 0},
                  (acc, envelope) ->
                      new long[] {acc[0] + 1, acc[0] == 0 ? envelope.timestamp() : acc[1]},
                  system)
              .toCompletableFuture()
              .get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Backlog(offsetMillis, countAndOldest[0], countAndOldest[1]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while reading the Cassandra backlog of " + tag, e);
    } catch (Exception e) {
      throw new SQLException("cannot read the Cassandra backlog of " + tag + ": " + e, e);
    }
  }
}
