package dev.trestle.clusters;

import dev.trestle.storage.EventJournal;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a central start, the entities of clusters known to the journal are started, so that a
 * cluster whose edge never comes back still turns UNHEALTHY when its deadline passes.
 */
public final class ClusterRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRegistry.class);
  private static final String PREFIX = ClusterEntity.TYPE_KEY.name() + "|";

  private ClusterRegistry() {}

  public static void wakeKnownClusters(ActorSystem<?> system, ClusterOperations clusters) {
    EventJournal.query(system, CurrentPersistenceIdsQuery.class)
        .currentPersistenceIds()
        .filter(id -> id.startsWith(PREFIX))
        .map(id -> id.substring(PREFIX.length()))
        .runWith(Sink.seq(), system)
        .thenCompose(clusters::wakeAll)
        .whenComplete(
            (count, error) -> {
              if (error != null) {
                LOG.warn("could not start the known cluster entities: {}", error.toString());
              } else if (count > 0) {
                LOG.info("{} known cluster(s) resumed their heartbeat deadlines", count);
              }
            });
  }
}
