package dev.trestle.edgesync;

import dev.trestle.desiredstate.DesiredStateChanged;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Brings desired-state changes to the edge sessions of every central node. The desired-state
 * projection runs on one node and publishes each committed change on that node's EventStream; a
 * relay there puts it on a cluster-wide pub-sub topic, and each node's subscriber tells its local
 * sessions. An edge connected to node B so gets the change projected on node A.
 *
 * <p>The topic delivers at most once: a change published while a node's subscription is still
 * spreading through the cluster, or while the projection moves, can be missed. So when the central
 * cluster has more than one member, every session re-reads its cluster's current version once per
 * {@code resyncInterval} (one indexed read per edge); a lone node needs no such net.
 */
public final class DesiredStateFanOut {
  /** Name of the topic; the same on every node (and node versions) of a cluster. */
  static final String TOPIC = "trestle-desired-state-changed";

  private DesiredStateFanOut() {}

  public static void start(ActorSystem<?> system, EdgeSessions sessions, Duration resyncInterval) {
    ActorRef<Topic.Command<DesiredStateChanged>> topic =
        system.systemActorOf(
            Topic.create(DesiredStateChanged.class, TOPIC), "desired-state-topic", Props.empty());
    ActorRef<DesiredStateChanged> toSessions =
        system.systemActorOf(deliver(sessions), "desired-state-fan-out", Props.empty());
    topic.tell(Topic.subscribe(toSessions));
    ActorRef<DesiredStateChanged> relay =
        system.systemActorOf(relay(topic), "desired-state-relay", Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(DesiredStateChanged.class, relay));
    Cluster cluster = Cluster.get(system);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            resyncInterval,
            resyncInterval,
            () -> {
              if (sizeAbove(cluster.state().getMembers(), 1)) {
                sessions.recheckAll();
              }
            },
            system.executionContext());
  }

  private static boolean sizeAbove(Iterable<?> members, int n) {
    int count = 0;
    for (Object ignored : members) {
      if (++count > n) {
        return true;
      }
    }
    return false;
  }

  /** Committed on this node: publish to the cluster. */
  private static Behavior<DesiredStateChanged> relay(
      ActorRef<Topic.Command<DesiredStateChanged>> topic) {
    return Behaviors.receive(DesiredStateChanged.class)
        .onMessage(
            DesiredStateChanged.class,
            m -> {
              topic.tell(Topic.publish(m));
              return Behaviors.same();
            })
        .build();
  }

  /** From the cluster: tell this node's session of that cluster, if it has one. */
  private static Behavior<DesiredStateChanged> deliver(EdgeSessions sessions) {
    return Behaviors.receive(DesiredStateChanged.class)
        .onMessage(
            DesiredStateChanged.class,
            m -> {
              sessions.desiredChanged(m.cluster(), m.version());
              return Behaviors.same();
            })
        .build();
  }
}
