package dev.trestle.desiredstate;

import dev.trestle.core.ConfigTags;
import dev.trestle.storage.EventJournal;
import dev.trestle.storage.PlainJdbcSession;
import dev.trestle.storage.ReadModelDatabase;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The desired-state projection: one exactly-once JDBC projection over the single tag {@link
 * ConfigTags#DESIRED_STATE} (so config changes and inventory changes are seen in the order they
 * were accepted), taking events in batches (one transaction with its offset per batch, see {@link
 * DesiredStateSettings#batchMax}), run as a sharded daemon process of one instance so that exactly
 * one runner exists in the cluster and it moves with the shard when nodes come and go.
 */
public final class DesiredStateProjection {
  /** Persisted name of the projection (offset rows); never rename without a migration. */
  public static final String NAME = "desired-state";

  /** Config path of the desired-state projection's read journal on the JDBC profiles. */
  static final String READ_JOURNAL = "trestle-desired-state-read-journal";

  private DesiredStateProjection() {}

  /**
   * Starts the daemon; after each commit its deltas go to {@code deltas}, then its changed versions
   * to the actor system's EventStream.
   */
  public static void init(
      ActorSystem<?> system,
      ReadModelDatabase db,
      DesiredStateSettings settings,
      CommittedDeltas deltas) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            1,
            i ->
                ProjectionBehavior.create(
                    projection(
                        system,
                        db::newSession,
                        EventSourcedProvider.eventsByTag(
                            system, readJournalId(system), ConfigTags.DESIRED_STATE),
                        settings,
                        DesiredStateNotifier.eventStream(system, deltas))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * On the JDBC profiles its own read journal, polled more often than the shared one
   * (trestle-persistence.conf); on Cassandra the profile's read journal.
   */
  static String readJournalId(ActorSystem<?> system) {
    return EventJournal.isCassandra(system) ? EventJournal.readJournalId(system) : READ_JOURNAL;
  }

  /** The projection over any source (tests pass a TestSourceProvider); its observer publishes. */
  static GroupedProjection<Offset, EventEnvelope<Object>> projection(
      ActorSystem<?> system,
      Supplier<PlainJdbcSession> sessions,
      SourceProvider<Offset, EventEnvelope<Object>> source,
      DesiredStateSettings settings,
      DesiredStateNotifier notifier) {
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, ConfigTags.DESIRED_STATE),
            source,
            sessions,
            () -> new DesiredStateHandler(settings, notifier),
            system)
        .withGroup(settings.batchMax(), settings.batchWithin())
        .withStatusObserver(notifier);
  }
}
