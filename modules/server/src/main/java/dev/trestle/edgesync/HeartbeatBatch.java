package dev.trestle.edgesync;

import com.google.protobuf.Timestamp;
import dev.trestle.clusters.ClusterEntity.Beat;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.clusters.StandingXdsRejection;
import dev.trestle.protocol.v1.Heartbeat;
import dev.trestle.protocol.v1.Inventory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One edge session's heartbeats on their way to its cluster entity. At most one batch is in flight:
 * the heartbeats that arrive meanwhile wait here (at most {@code maxPending}; more are refused, for
 * the caller to count) and go as the next batch (at most {@code perWrite}), still one event each. A
 * flood is bounded here instead of growing the entity's mailbox, and with {@code perWrite} above 1
 * a fast edge costs one journal write per batch instead of one per heartbeat. Not thread-safe:
 * owned by the session actor.
 */
final class HeartbeatBatch {
  private final int maxPending;
  private final int perWrite;
  private final ArrayList<Beat> pending = new ArrayList<>();
  private boolean inFlight;
  // An edge repeats the same inventory in every heartbeat: print it as JSON only when it changed.
  private Inventory lastInventory;
  private InventorySnapshot lastSnapshot;

  HeartbeatBatch(int maxPending, int perWrite) {
    this.maxPending = maxPending;
    this.perWrite = perWrite;
  }

  /** Queues a heartbeat; false when {@code maxPending} already wait (the heartbeat is dropped). */
  boolean add(Heartbeat heartbeat) {
    if (pending.size() >= maxPending) {
      return false;
    }
    Timestamp ts = heartbeat.getSentAt();
    pending.add(
        new Beat(
            Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()),
            snapshotOf(heartbeat.getInventory()),
            heartbeat.getXdsRejectionsList().stream().map(StandingXdsRejection::of).toList()));
    return true;
  }

  /** The heartbeats to journal now, marked in flight; empty while a batch is in flight. */
  List<Beat> takeIfIdle() {
    if (inFlight || pending.isEmpty()) {
      return List.of();
    }
    inFlight = true;
    var taken = pending.subList(0, Math.min(perWrite, pending.size()));
    List<Beat> batch = List.copyOf(taken);
    taken.clear();
    return batch;
  }

  /** Everything still waiting, in order, whatever is in flight: for a session that ends. */
  List<Beat> drain() {
    List<Beat> rest = List.copyOf(pending);
    pending.clear();
    return rest;
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
