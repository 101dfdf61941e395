package dev.trestle.clusters;

import dev.trestle.management.ResourceEntity;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Whether a Cluster resource exists, asked before anything an edge presents starts a cluster
 * entity: a forged token naming a cluster that does not exist must not make sharding remember one.
 * The sync stream and the telemetry ingest both ask it this way.
 */
public final class ClusterResources {
  private ClusterResources() {}

  public static CompletionStage<Boolean> exists(
      ClusterSharding sharding, String clusterFqn, Duration askTimeout) {
    return sharding
        .entityRefFor(ResourceEntity.TYPE_KEY, clusterFqn)
        .<ResourceEntity.View>ask(ResourceEntity.GetResource::new, askTimeout)
        .thenApply(ResourceEntity.View::exists);
  }
}
