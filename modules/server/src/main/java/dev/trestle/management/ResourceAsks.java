package dev.trestle.management;

import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.protocol.Fqn;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The asks that apply, delete and queries share: a resource entity by FQN, its current view, and
 * dropping a child registration; each bounded by the API's ask timeout, failures as {@link
 * Problem}s.
 */
final class ResourceAsks {
  private final ClusterSharding sharding;
  private final Duration timeout;

  ResourceAsks(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  EntityRef<ResourceEntity.Command> entity(Fqn fqn) {
    return sharding.entityRefFor(ResourceEntity.TYPE_KEY, ResourceEntity.entityId(fqn));
  }

  /** The entity's view (it may not exist); a timeout becomes UNAVAILABLE. */
  CompletionStage<ResourceEntity.View> view(Fqn fqn) {
    return entity(fqn)
        .<ResourceEntity.View>ask(ResourceEntity.GetResource::new, timeout)
        .exceptionally(
            e -> {
              throw new ProblemException(Problem.of(e, fqn.toString()));
            });
  }

  /** Drops {@code child} from its parent's children (idempotent). */
  CompletionStage<Void> unregisterChild(Fqn child) {
    return entity(child.parent())
        .<ResourceEntity.ChildReply>ask(
            replyTo -> new ResourceEntity.UnregisterChild(child.toString(), replyTo), timeout)
        .thenApply(reply -> null);
  }
}
