package dev.trestle.edge;

import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.ObjectNames;
import java.util.Collection;
import java.util.TreeMap;

/**
 * The hash of a whole desired state, computed exactly as the translator's {@code
 * DesiredObjects.setHash}: SHA-256 (hex) over one line per object, in {@link ObjectKey} order,
 * {@code "<apiVersion> <Kind> <namespace>/<name> <contentHash>\n"}. Equal sets hash equal, so the
 * edge can check that a delta on top of its state produced exactly what central meant.
 */
public final class SetHash {
  private SetHash() {}

  public static String of(Collection<EdgeObject> objects) {
    var sorted = new TreeMap<ObjectKey, EdgeObject>();
    objects.forEach(o -> sorted.put(o.key(), o));
    var text = new StringBuilder();
    for (EdgeObject o : sorted.values()) {
      text.append(o.key().apiVersion())
          .append(' ')
          .append(o.key())
          .append(' ')
          .append(o.contentHash())
          .append('\n');
    }
    return ObjectNames.sha256(text.toString());
  }

  /** SHA-256 (hex) of a JSON text, the content hash of an object. */
  public static String content(String json) {
    return ObjectNames.sha256(json);
  }
}
