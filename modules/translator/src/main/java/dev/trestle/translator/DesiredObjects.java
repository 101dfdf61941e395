package dev.trestle.translator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything one cluster must run, as produced by {@link IstioTranslator#translate}: the objects
 * sorted by {@link ObjectKey} (namespace, kind, name), a hash over the whole set, and the
 * diagnostics met on the way.
 *
 * @param setHash the {@link SetHash} of the objects; equal sets have equal hashes, so a caller can
 *     tell "nothing changed" without comparing objects
 */
public record DesiredObjects(
    String cluster, List<DesiredObject> objects, String setHash, List<Diagnostic> diagnostics) {

  public DesiredObjects {
    objects = List.copyOf(objects);
    diagnostics = List.copyOf(diagnostics);
  }

  static DesiredObjects of(String cluster, List<DesiredObject> sorted, List<Diagnostic> diags) {
    return new DesiredObjects(cluster, sorted, SetHash.of(sorted), diags);
  }

  public Optional<DesiredObject> get(ObjectKey key) {
    return objects.stream().filter(o -> o.key().equals(key)).findFirst();
  }

  public Map<ObjectKey, DesiredObject> byKey() {
    var map = new TreeMap<ObjectKey, DesiredObject>();
    objects.forEach(o -> map.put(o.key(), o));
    return map;
  }

  /** Every object as one multi-document YAML text, {@code ---} between documents. */
  public String toYaml() {
    var sb = new StringBuilder();
    for (DesiredObject o : objects) {
      if (sb.length() > 0) {
        sb.append("---\n");
      }
      sb.append(o.yaml());
    }
    return sb.toString();
  }

  /** What turns {@code previous} into this set: objects to create or replace, keys to delete. */
  public Delta diff(DesiredObjects previous) {
    Map<ObjectKey, DesiredObject> before = previous == null ? Map.of() : previous.byKey();
    var upserts = new ArrayList<DesiredObject>();
    for (DesiredObject o : objects) {
      DesiredObject old = before.get(o.key());
      if (old == null || !old.contentHash().equals(o.contentHash())) {
        upserts.add(o);
      }
    }
    Map<ObjectKey, DesiredObject> now = byKey();
    var deletes = before.keySet().stream().filter(k -> !now.containsKey(k)).sorted().toList();
    return new Delta(upserts, deletes);
  }

  /** A change between two sets: objects new or changed, and keys no longer wanted. */
  public record Delta(List<DesiredObject> upserts, List<ObjectKey> deletes) {
    public Delta {
      upserts = List.copyOf(upserts);
      deletes = List.copyOf(deletes);
    }

    public boolean isEmpty() {
      return upserts.isEmpty() && deletes.isEmpty();
    }
  }
}
