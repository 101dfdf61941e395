package dev.trestle.telemetry;

/**
 * Series ids known to be in the series dictionary, so that a batch writes the identity only of
 * series it has not seen: a lossy, direct-mapped set of {@value #SLOTS} ids (8 MiB). An id pushed
 * out by another costs one more idempotent insert-if-absent, never a wrong answer, so the set needs
 * no eviction order and no lock; a fleet's series come back every window in the same order, which
 * an LRU bounded below their number misses on every access. Ids are SHA-256 prefixes, so their low
 * bits spread evenly; id 0 (the empty slot) is never remembered.
 */
final class KnownSeries {
  static final int SLOTS = 1 << 20;

  private final long[] ids = new long[SLOTS];

  boolean contains(long id) {
    return id != 0 && ids[slot(id)] == id;
  }

  void add(long id) {
    if (id != 0) {
      ids[slot(id)] = id;
    }
  }

  private static int slot(long id) {
    return (int) (id ^ (id >>> 32)) & (SLOTS - 1);
  }
}
