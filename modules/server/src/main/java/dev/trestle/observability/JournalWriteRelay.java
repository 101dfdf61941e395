package dev.trestle.observability;

import java.time.Duration;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.ReceiveTimeout;
import org.apache.pekko.persistence.JournalProtocol;

/**
 * Stands in for the persistent actor during one write: forwards every reply of the journal to it in
 * order (keeping the sender) and counts the outcome of each event. Stops after the last reply it
 * expects, or when the journal has been silent for longer than any write may take.
 */
final class JournalWriteRelay extends AbstractActor {
  private static final Duration SILENCE = Duration.ofMinutes(5);

  private final ActorRef persistentActor;
  private final JournalMeters meters;
  private int remaining;

  static Props props(ActorRef persistentActor, int replies, JournalMeters meters) {
    return Props.create(
        JournalWriteRelay.class, () -> new JournalWriteRelay(persistentActor, replies, meters));
  }

  private JournalWriteRelay(ActorRef persistentActor, int replies, JournalMeters meters) {
    this.persistentActor = persistentActor;
    this.remaining = replies;
    this.meters = meters;
  }

  @Override
  public void preStart() {
    getContext().setReceiveTimeout(SILENCE);
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(
            JournalProtocol.WriteMessageSuccess.class,
            m -> {
              meters.persisted(m.persistent().persistenceId());
              replied(m);
            })
        .match(
            JournalProtocol.WriteMessageFailure.class,
            m -> {
              meters.failed(m.message().persistenceId(), "failed");
              replied(m);
            })
        .match(
            JournalProtocol.WriteMessageRejected.class,
            m -> {
              meters.failed(m.message().persistenceId(), "rejected");
              replied(m);
            })
        .match(JournalProtocol.LoopMessageSuccess.class, this::replied)
        .match(ReceiveTimeout.class, m -> getContext().stop(getSelf()))
        .matchAny(
            m -> {
              // WriteMessagesSuccessful / WriteMessagesFailed: the batch outcome, before the
              // events'.
              persistentActor.forward(m, getContext());
              if (remaining <= 0) {
                getContext().stop(getSelf());
              }
            })
        .build();
  }

  private void replied(Object reply) {
    persistentActor.forward(reply, getContext());
    if (--remaining <= 0) {
      getContext().stop(getSelf());
    }
  }
}
