package dev.trestle.testing;

import dev.trestle.app.Central;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** Which entities of a type run on one node, asked of that node's own shard region. */
public final class ShardProbe {
  private ShardProbe() {}

  /** The entity ids of {@code typeName} running on {@code node} now. */
  public static Set<String> entitiesOn(Central node, String typeName) throws Exception {
    var system = node.system();
    EntityTypeKey<Object> key = EntityTypeKey.create(Object.class, typeName);
    ShardRegion.CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetShardRegionState(key, replyTo),
                Duration.ofSeconds(10),
                system.scheduler())
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    var ids = new TreeSet<String>();
    state.getShards().forEach(s -> ids.addAll(s.getEntityIds()));
    return ids;
  }

  /** The sharding type name under which a sharded daemon process of {@code name} runs. */
  public static String daemonProcess(String name) {
    return "sharded-daemon-process-" + name;
  }
}
