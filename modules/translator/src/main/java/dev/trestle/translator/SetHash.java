package dev.trestle.translator;

import dev.trestle.protocol.Hashes;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The hash of a whole desired state, the wire contract between central and edges: SHA-256 (hex)
 * over one line per object, in {@link ObjectKey} order, {@code "<apiVersion> <Kind>
 * <namespace>/<name> <contentHash>\n"}. Equal sets hash equal, so central can tell "nothing
 * changed" without comparing objects and an edge can check that a delta on top of its state
 * produced exactly what central meant. Central ({@link DesiredObjects#setHash}) and the edge both
 * compute it here.
 */
public final class SetHash {
  /** What the hash reads of one object. */
  public interface Member {
    ObjectKey key();

    /** SHA-256 (hex) of the object's canonical JSON, see {@link SetHash#content}. */
    String contentHash();
  }

  /** The hash of no object (SHA-256 of the empty text). */
  public static final String EMPTY = of(List.of());

  private SetHash() {}

  /** The set hash of {@code objects}, in any order (sorted by key here). */
  public static String of(Collection<? extends Member> objects) {
    var sorted = new TreeMap<ObjectKey, Member>();
    objects.forEach(o -> sorted.put(o.key(), o));
    var text = new StringBuilder();
    for (Member o : sorted.values()) {
      text.append(o.key().apiVersion())
          .append(' ')
          .append(o.key())
          .append(' ')
          .append(o.contentHash())
          .append('\n');
    }
    return Hashes.sha256(text.toString());
  }

  /** SHA-256 (hex) of an object's canonical JSON text, its content hash. */
  public static String content(String json) {
    return Hashes.sha256(json);
  }
}
