package dev.trestle.edge;

import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.SetHash;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The desired-state version an edge has applied: its version, the set hash central sent with it
 * (equal to {@link SetHash#of} of the objects) and every object, ordered by key. Version 0 with no
 * objects is "nothing applied yet".
 */
public record AppliedState(long version, String setHash, SortedMap<ObjectKey, EdgeObject> objects) {
  public static final AppliedState EMPTY = new AppliedState(0, "", new TreeMap<>());

  public AppliedState {
    setHash = setHash == null ? "" : setHash;
    objects = Collections.unmodifiableSortedMap(new TreeMap<>(objects));
  }

  public static AppliedState of(long version, String setHash, Collection<EdgeObject> objects) {
    var map = new TreeMap<ObjectKey, EdgeObject>();
    objects.forEach(o -> map.put(o.key(), o));
    return new AppliedState(version, setHash, map);
  }

  public boolean isEmpty() {
    return version == 0 && objects.isEmpty();
  }
}
