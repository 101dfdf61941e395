package dev.trestle.observability;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A journal plugin in front of the real one ({@code target-plugin}): every request goes through
 * unchanged, and the replies to each write pass through a {@link JournalWriteRelay} that counts
 * stored events and failed writes per entity type. Counting here, not in the entities, sees every
 * write of every entity whatever the store (JDBC or Cassandra), and only once it is confirmed.
 */
public final class MeteredJournal extends AbstractActor {
  private final String targetPlugin;
  private ActorRef journal;
  private JournalMeters meters;

  public MeteredJournal(Config config) {
    this.targetPlugin = config.getString("target-plugin");
  }

  @Override
  public void preStart() {
    journal =
        Persistence.get(getContext().getSystem()).journalFor(targetPlugin, ConfigFactory.empty());
    meters =
        new JournalMeters(NodeMetrics.get(Adapter.toTyped(getContext().getSystem())).registry());
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(JournalProtocol.WriteMessages.class, this::write)
        .matchAny(m -> journal.forward(m, getContext()))
        .build();
  }

  private void write(JournalProtocol.WriteMessages w) {
    int replies = 0;
    for (PersistentEnvelope e : CollectionConverters.asJava(w.messages())) {
      // One reply per event of an atomic write, one per deferred (non-persistent) message.
      replies += e instanceof AtomicWrite a ? a.size() : 1;
    }
    ActorRef relay =
        getContext().actorOf(JournalWriteRelay.props(w.persistentActor(), replies, meters));
    journal.forward(
        new JournalProtocol.WriteMessages(w.messages(), relay, w.actorInstanceId()), getContext());
  }
}
