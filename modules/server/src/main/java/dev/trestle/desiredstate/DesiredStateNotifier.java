package dev.trestle.desiredstate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.projection.HandlerRecoveryStrategy;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.StatusObserver;
import org.apache.pekko.projection.eventsourced.EventEnvelope;

/**
 * Publishes {@link DesiredStateChanged} only after the transaction that wrote it committed. The
 * handler stages the changes of a batch under the batch's last envelope while it runs inside the
 * transaction; Pekko Projection calls {@link #afterProcess} for every envelope of the batch once the
 * projected data is committed and readable, and never for a batch whose handling failed. A retried
 * batch stages its changes again under the same key, replacing the failed attempt's; a restarted
 * projection starts with nothing staged.
 */
public final class DesiredStateNotifier extends StatusObserver<EventEnvelope<Object>> {
  private final Consumer<DesiredStateChanged> publish;
  private final Map<String, List<DesiredStateChanged>> staged = new ConcurrentHashMap<>();

  public DesiredStateNotifier(Consumer<DesiredStateChanged> publish) {
    this.publish = publish;
  }

  /** Publishes on {@code system}'s EventStream. */
  public static DesiredStateNotifier eventStream(ActorSystem<?> system) {
    return new DesiredStateNotifier(e -> system.eventStream().tell(new EventStream.Publish<>(e)));
  }

  /** Called by the handler inside the transaction; replaces what an earlier attempt staged. */
  void stage(EventEnvelope<Object> envelope, List<DesiredStateChanged> changes) {
    if (changes.isEmpty()) {
      staged.remove(key(envelope));
    } else {
      staged.put(key(envelope), List.copyOf(changes));
    }
  }

  private static String key(EventEnvelope<Object> envelope) {
    return envelope.persistenceId() + "#" + envelope.sequenceNr();
  }

  @Override
  public void afterProcess(ProjectionId projectionId, EventEnvelope<Object> envelope) {
    List<DesiredStateChanged> changes = staged.remove(key(envelope));
    if (changes != null) {
      changes.forEach(publish);
    }
  }

  @Override
  public void error(
      ProjectionId projectionId,
      EventEnvelope<Object> envelope,
      Throwable cause,
      HandlerRecoveryStrategy recoveryStrategy) {
    staged.remove(key(envelope));
  }

  @Override
  public void started(ProjectionId projectionId) {
    staged.clear();
  }

  @Override
  public void failed(ProjectionId projectionId, Throwable cause) {
    staged.clear();
  }

  @Override
  public void stopped(ProjectionId projectionId) {
    staged.clear();
  }

  @Override
  public void beforeProcess(ProjectionId projectionId, EventEnvelope<Object> envelope) {}

  @Override
  public void offsetProgress(ProjectionId projectionId, EventEnvelope<Object> envelope) {}
}
