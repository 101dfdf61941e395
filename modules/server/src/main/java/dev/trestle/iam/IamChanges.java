package dev.trestle.iam;

import dev.trestle.core.CborSerializable;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Tells every node of the central cluster that access was changed, so each drops what its {@link
 * IamCache} holds about it: the principal and policy entities call {@link #changed} after they
 * persisted a revocation or new bindings, before they reply. The node that persisted it forgets at
 * once (before the reply leaves); the others when the notice arrives over Pekko's distributed
 * pub-sub ({@link Topic}), which delivers at most once. A node that misses a notice (unreachable at
 * that moment) still stops trusting the entry after {@code trestle.iam.cache-ttl}: that is the
 * bound on how long a revoked token or a removed binding can still be honoured (docs/security.md).
 */
public final class IamChanges implements Extension {
  /** The topic's name; the same on every node. */
  static final String TOPIC = "trestle-iam-changes";

  /**
   * Access changed: the tokens of {@code principal} (when not empty), the bindings on {@code
   * target} (when not null; "" is the root).
   */
  public record Changed(String principal, String target) implements CborSerializable {}

  public static final ExtensionId<IamChanges> ID =
      new ExtensionId<>() {
        @Override
        public IamChanges createExtension(ActorSystem<?> system) {
          return new IamChanges(system);
        }
      };

  public static IamChanges get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private final IamCache cache;
  private final ActorRef<Topic.Command<Changed>> topic;

  private IamChanges(ActorSystem<?> system) {
    Duration ttl = system.settings().config().getDuration("trestle.iam.cache-ttl");
    this.cache = new IamCache(ttl, System::nanoTime);
    this.topic =
        system.systemActorOf(
            Topic.create(Changed.class, TOPIC), "iam-changes-topic", Props.empty());
    ActorRef<Changed> forget =
        system.systemActorOf(
            Behaviors.receive(Changed.class)
                .onMessage(
                    Changed.class,
                    c -> {
                      forget(c);
                      return Behaviors.same();
                    })
                .build(),
            "iam-changes-subscriber",
            Props.empty());
    topic.tell(Topic.subscribe(forget));
  }

  /** This node's cache. */
  public IamCache cache() {
    return cache;
  }

  /** Forget here at once, and tell the other nodes. */
  public void changed(Changed change) {
    forget(change);
    topic.tell(Topic.publish(change));
  }

  private void forget(Changed c) {
    if (c.principal() != null && !c.principal().isEmpty()) {
      cache.tokensChanged(c.principal());
    }
    if (c.target() != null) {
      cache.bindingsChanged(c.target());
    }
  }
}
