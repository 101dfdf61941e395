package dev.trestle.storage;

import java.util.List;
import java.util.stream.LongStream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.CollectionConverters;
import scala.util.Try;
import slick.jdbc.H2Profile;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * pekko-persistence-jdbc's read-journal DAO, except for the orderings its journal-sequence actor
 * polls. That actor lets events-by-tag (our projections) read only up to the highest ordering below
 * which it has seen no gap; after a restart it walks the journal from 0, and at the first gap it
 * waits max-tries x query-delay (10 s here) in case a transaction still commits it. Our journal is
 * full of permanent gaps (cluster heartbeat events are deleted on snapshot), so every restart
 * stalled the desired-state projection for those 10 s while the node said it was ready (issue 15
 * point 4). Below the {@link JournalStartOrdering} nothing can still commit, so those orderings are
 * answered as one gap-free run; above it the real query runs and in-flight gaps are waited for as
 * before. Without a recorded ordering (Cassandra, or a PostgreSQL node that could not lock the
 * journal in time) it is the default DAO. On H2, events-by-tag goes through the tag index ({@link
 * H2EventsByTag}).
 */
public final class GapFreeBelowStartReadJournalDao extends DefaultReadJournalDao {
  private final JournalStartOrdering start;
  private final Serialization serialization;
  private final boolean h2;

  public GapFreeBelowStartReadJournalDao(
      JdbcBackend.JdbcDatabaseDef db,
      JdbcProfile profile,
      ReadJournalConfig readJournalConfig,
      Serialization serialization,
      ExecutionContext ec,
      Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.start = JournalStartOrdering.get(serialization.system());
    this.serialization = serialization;
    this.h2 = profile instanceof H2Profile;
  }

  /** On H2 through the tag index ({@link H2EventsByTag}); the plugin's query elsewhere. */
  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    if (!h2) {
      return super.eventsByTag(tag, offset, maxOffset, max);
    }
    return H2EventsByTag.eventsByTag(db(), serialization, tag, offset, maxOffset, max).asScala();
  }

  @Override
  public Source<Object, NotUsed> journalSequence(long offset, long limit) {
    long floor = start.ordering().orElse(0L);
    if (offset >= floor) {
      return super.journalSequence(offset, limit);
    }
    long last = Math.min(floor, offset + limit);
    List<Object> run =
        LongStream.rangeClosed(offset + 1, last).boxed().map(Object.class::cast).toList();
    return Source.apply(CollectionConverters.asScala(run).toList());
  }
}
