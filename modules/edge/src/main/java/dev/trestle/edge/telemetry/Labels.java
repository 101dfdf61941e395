package dev.trestle.edge.telemetry;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A series' labels as parsed: names and values in the order written, no duplicates. Small (a
 * handful to a few dozen labels), so lookups scan.
 */
public final class Labels {
  public static final Labels EMPTY = new Labels(new String[0]);
  // name0, value0, name1, value1, ...
  private final String[] pairs;

  private Labels(String[] pairs) {
    this.pairs = pairs;
  }

  /** From alternating names and values; the caller checked there are no duplicate names. */
  static Labels ofPairs(String[] pairs, int length) {
    return length == 0 ? EMPTY : new Labels(Arrays.copyOf(pairs, length));
  }

  /** For tests and callers that build labels by hand. */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name, value pairs");
    }
    return ofPairs(namesAndValues.clone(), namesAndValues.length);
  }

  public static Labels of(Map<String, String> map) {
    String[] pairs = new String[map.size() * 2];
    int i = 0;
    for (var e : map.entrySet()) {
      pairs[i++] = e.getKey();
      pairs[i++] = e.getValue();
    }
    return ofPairs(pairs, pairs.length);
  }

  /** The value of {@code name}, or null. */
  public String get(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /** The value of {@code name}, or {@code fallback} when absent or empty. */
  public String getOrDefault(String name, String fallback) {
    String v = get(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public int size() {
    return pairs.length / 2;
  }

  public String name(int i) {
    return pairs[2 * i];
  }

  public String value(int i) {
    return pairs[2 * i + 1];
  }

  public Map<String, String> toMap() {
    var map = new LinkedHashMap<String, String>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels other && Arrays.equals(pairs, other.pairs);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pairs);
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
