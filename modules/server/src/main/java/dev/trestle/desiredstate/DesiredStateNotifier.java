package dev.trestle.desiredstate;

import dev.trestle.protocol.v1.DesiredDelta;
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
 * transaction; Pekko Projection calls {@link #afterProcess} for every envelope of the batch once
 * the projected data is committed and readable, and never for a batch whose handling failed. A
 * retried batch stages its changes again under the same key, replacing the failed attempt's; a
 * restarted projection starts with nothing staged.
 */
public final class DesiredStateNotifier extends StatusObserver<EventEnvelope<Object>> {
  /** A version the batch committed, with its delta from the cluster's previous version. */
  record Committed(DesiredStateChanged change, DesiredDelta delta) {}

  /** What one batch changed: clusters whose rows it deleted, then the versions it committed. */
  record Batch(List<String> deleted, List<Committed> committed) {
    Batch {
      deleted = List.copyOf(deleted);
      committed = List.copyOf(committed);
    }

    boolean isEmpty() {
      return deleted.isEmpty() && committed.isEmpty();
    }
  }

  private final Consumer<DesiredStateChanged> publish;
  private final CommittedDeltas deltas;
  private final Map<String, Batch> staged = new ConcurrentHashMap<>();

  public DesiredStateNotifier(Consumer<DesiredStateChanged> publish) {
    this(publish, new CommittedDeltas());
  }

  /** Hands each committed delta to {@code deltas} before it publishes the version. */
  public DesiredStateNotifier(Consumer<DesiredStateChanged> publish, CommittedDeltas deltas) {
    this.publish = publish;
    this.deltas = deltas;
  }

  /** Publishes on {@code system}'s EventStream. */
  public static DesiredStateNotifier eventStream(ActorSystem<?> system) {
    return eventStream(system, new CommittedDeltas());
  }

  /**
   * Publishes on {@code system}'s EventStream, handing committed deltas to {@code deltas} first.
   */
  public static DesiredStateNotifier eventStream(ActorSystem<?> system, CommittedDeltas deltas) {
    return new DesiredStateNotifier(
        e -> system.eventStream().tell(new EventStream.Publish<>(e)), deltas);
  }

  /** Called by the handler inside the transaction; replaces what an earlier attempt staged. */
  void stage(EventEnvelope<Object> envelope, Batch batch) {
    if (batch.isEmpty()) {
      staged.remove(key(envelope));
    } else {
      staged.put(key(envelope), batch);
    }
  }

  private static String key(EventEnvelope<Object> envelope) {
    return envelope.persistenceId() + "#" + envelope.sequenceNr();
  }

  @Override
  public void afterProcess(ProjectionId projectionId, EventEnvelope<Object> envelope) {
    Batch batch = staged.remove(key(envelope));
    if (batch != null) {
      batch.deleted().forEach(deltas::forget);
      for (Committed c : batch.committed()) {
        // Handed over before it is announced: a session told of the version finds its delta.
        deltas.committed(c.change().cluster(), c.delta());
        publish.accept(c.change());
      }
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
