package dev.trestle.desiredstate;

import dev.trestle.desiredstate.DesiredObjectTables.Ref;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.translator.DesiredObject;
import dev.trestle.translator.DesiredObjects;
import dev.trestle.translator.ObjectKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Stores a cluster's new translation as its next version, in the projection's transaction: the
 * objects that changed, the change rows deltas are read from (pruned to the kept history), the
 * placements and the cluster row, staged on the batch's {@link VersionRows}; and the delta an edge
 * at the previous version needs. Nothing when the objects are the stored ones.
 */
final class DesiredVersionWrite {
  private DesiredVersionWrite() {}

  /**
   * @param row the cluster row to save (new version, set hash, history start)
   * @param objects the cluster's objects now, for the handler's cache
   */
  record Written(
      ClusterRow row,
      SortedMap<ObjectKey, StoredObject> objects,
      DesiredStateNotifier.Committed committed) {}

  static Optional<Written> write(
      VersionRows rows,
      ClusterRow row,
      SortedMap<ObjectKey, StoredObject> previous,
      DesiredObjects desired,
      int deltaHistory) {
    String cluster = row.fqn();
    var upserts = new ArrayList<StoredObject>();
    var now = new TreeMap<ObjectKey, StoredObject>();
    for (DesiredObject o : desired.objects()) {
      StoredObject stored = StoredObject.of(o);
      now.put(stored.key(), stored);
      StoredObject old = previous.get(stored.key());
      if (old == null || !old.contentHash().equals(stored.contentHash())) {
        upserts.add(stored);
      }
    }
    var deletes = previous.keySet().stream().filter(k -> !now.containsKey(k)).toList();
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return Optional.empty();
    }
    long version = row.version() + 1;
    var upsertKeys = upserts.stream().map(StoredObject::key).toList();
    rows.deleteObjects(cluster, deletes);
    rows.deleteObjects(cluster, upsertKeys);
    rows.insertObjects(cluster, upserts);
    rows.insertChanges(cluster, version, upsertKeys, DesiredObjectTables.UPSERT);
    rows.insertChanges(cluster, version, deletes, DesiredObjectTables.DELETE);

    Set<Ref> before = refs(previous);
    Set<Ref> after = refs(now);
    rows.deletePlacements(cluster, before.stream().filter(r -> !after.contains(r)).toList());
    rows.insertPlacements(
        cluster, after.stream().filter(r -> !before.contains(r)).toList(), version);

    long historyFrom = row.historyFrom();
    long floor = version - deltaHistory;
    if (floor > historyFrom) {
      rows.pruneChanges(cluster, floor);
      historyFrom = floor;
    }
    ClusterRow next = row.withVersion(version, desired.setHash(), historyFrom);
    rows.updateCluster(next);
    return Optional.of(
        new Written(
            next,
            now,
            new DesiredStateNotifier.Committed(
                new DesiredStateChanged(cluster, version),
                delta(row.version(), version, desired.setHash(), upserts, deletes))));
  }

  /**
   * The delta from {@code from} to {@code version} as {@link DesiredStateStore#delta} reads it back
   * for an edge at {@code from}: upserts and deletes each in key order.
   */
  private static DesiredDelta delta(
      long from,
      long version,
      String setHash,
      List<StoredObject> upserts,
      List<ObjectKey> deletes) {
    var b = DesiredDelta.newBuilder().setFromVersion(from).setVersion(version).setSetHash(setHash);
    upserts.stream()
        .sorted(Comparator.comparing(StoredObject::key))
        .forEach(o -> b.addUpserts(o.toProto()));
    deletes.stream().sorted().forEach(k -> b.addDeletes(k.toProto()));
    return b.build();
  }

  private static Set<Ref> refs(SortedMap<ObjectKey, StoredObject> objects) {
    var out =
        new TreeSet<Ref>(
            (a, b) ->
                a.fqn().equals(b.fqn())
                    ? Long.compare(a.version(), b.version())
                    : a.fqn().compareTo(b.fqn()));
    objects.values().forEach(o -> o.inputs().forEach(i -> out.add(Ref.parse(i))));
    return out;
  }
}
