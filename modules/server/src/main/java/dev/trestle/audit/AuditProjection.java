package dev.trestle.audit;

import dev.trestle.core.ConfigTags;
import dev.trestle.storage.EventJournal;
import dev.trestle.storage.ReadModelDatabase;
import java.util.Optional;
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
 * The audit projection: one exactly-once JDBC projection per config tag slice, run as a sharded
 * daemon process so each slice has one runner in the cluster. Events are taken in groups ({@link
 * AuditBatching}); a group's audit rows and its offset are committed in one transaction.
 */
public final class AuditProjection {
  /** Persisted name of the projection (offset rows); never rename without a migration. */
  public static final String NAME = "audit";

  private AuditProjection() {}

  public static void init(ActorSystem<?> system, ReadModelDatabase db) {
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            ConfigTags.SLICES,
            slice ->
                ProjectionBehavior.create(
                    projection(
                        system,
                        db,
                        ConfigTags.tag(slice),
                        AuditBatching.from(system.settings().config()))),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  static GroupedProjection<Offset, EventEnvelope<Object>> projection(
      ActorSystem<?> system, ReadModelDatabase db, String tag, AuditBatching batching) {
    SourceProvider<Offset, EventEnvelope<Object>> source =
        EventSourcedProvider.eventsByTag(system, EventJournal.readJournalId(system), tag);
    return JdbcProjection.groupedWithin(
            ProjectionId.of(NAME, tag), source, db::newSession, AuditBatchHandler::new, system)
        .withGroup(batching.max(), batching.within());
  }
}
