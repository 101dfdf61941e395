package dev.trestle.edge;

import com.google.protobuf.Timestamp;
import dev.trestle.clusters.ClusterEntity.Beat;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.protocol.v1.Heartbeat;
import dev.trestle.protocol.v1.Inventory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One edge session's heartbeats on their way to its cluster entity. At most one batch is in
 * flight: the heartbeats that arrive meanwhile wait here (at most {@code maxPending}; more are
 * refused, for the caller to count) and go together as the next batch (at most {@link
 * #MAX_BATCH}), still one event each. So a fast edge costs one journal write per round trip, not
 * one per heartbeat, and a flood is bounded here instead of growing the entity's mailbox. Not thread-safe: owned by the session actor.
 */
final class HeartbeatBatch {
  /**
   * Heartbeats per journal write. Every session may have one write in flight, so this bounds the
   * rows the journal owes at once (sessions x this) and with it each write's latency, which the
   * journal's circuit breaker cuts at 10 s: with 200 flooding sessions on a loaded 2-core box,
   * uncapped batches and then 50 per write both outlasted it and failed every cluster entity.
   * 10 still turns ten journal round trips into one.
   */
  static final int MAX_BATCH = 10;

  private final int maxPending;
  private final ArrayList<Beat> pending = new ArrayList<>();
  private boolean inFlight;
  // An edge repeats the same inventory in every heartbeat: print it as JSON only when it changed.
  private Inventory lastInventory;
  private InventorySnapshot lastSnapshot;

  HeartbeatBatch(int maxPending) {
    this.maxPending = maxPending;
  }

  /** Queues a heartbeat; false when {@code maxPending} already wait (the heartbeat is dropped). */
  boolean add(Heartbeat heartbeat) {
    if (pending.size() >= maxPending) {
      return false;
    }
    Timestamp ts = heartbeat.getSentAt();
    pending.add(new Beat(Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()),
        snapshotOf(heartbeat.getInventory())));
    return true;
  }

  /** The heartbeats to journal now, marked in flight; empty while a batch is in flight. */
  List<Beat> takeIfIdle() {
    if (inFlight || pending.isEmpty()) {
      return List.of();
    }
    inFlight = true;
    var taken = pending.subList(0, Math.min(MAX_BATCH, pending.size()));
    List<Beat> batch = List.copyOf(taken);
    taken.clear();
    return batch;
  }

  /** The batch in flight was answered (or its ask failed): the next one may go. */
  void done() {
    inFlight = false;
  }

  int pending() {
    return pending.size();
  }

  private InventorySnapshot snapshotOf(Inventory inventory) {
    if (!inventory.equals(lastInventory)) {
      lastInventory = inventory;
      lastSnapshot = InventorySnapshot.of(inventory);
    }
    return lastSnapshot;
  }
}
