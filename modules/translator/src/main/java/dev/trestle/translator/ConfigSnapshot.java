package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable set of stored resources, keyed and ordered by FQN. Every resource must carry {@code
 * metadata.fqn} (matching its kind) and {@code metadata.version}, as the server stores them.
 * Iteration order is FQN order, whatever order the resources were given in.
 */
public final class ConfigSnapshot {
  private static final ConfigSnapshot EMPTY = new ConfigSnapshot(new TreeMap<>());

  private final SortedMap<String, Resource> byFqn;
  // Derived once per snapshot on first use: a translation asks for the same kinds once per
  // cluster, and scanning every resource each time made translating N clusters cost N x size.
  private volatile Map<String, List<Resource>> byKind;
  private volatile Map<String, SortedSet<String>> namesByKind;

  private ConfigSnapshot(SortedMap<String, Resource> byFqn) {
    this.byFqn = Collections.unmodifiableSortedMap(byFqn);
  }

  public static ConfigSnapshot empty() {
    return EMPTY;
  }

  /**
   * Builds a snapshot; throws {@link IllegalArgumentException} for a resource without a valid FQN,
   * whose FQN names another kind, or whose FQN appears twice.
   */
  public static ConfigSnapshot of(Collection<Resource> resources) {
    var map = new TreeMap<String, Resource>();
    for (Resource r : resources) {
      String key = checkedFqn(r).toString();
      if (map.putIfAbsent(key, r) != null) {
        throw new IllegalArgumentException("resource " + key + " appears twice in the snapshot");
      }
    }
    return new ConfigSnapshot(map);
  }

  /** A snapshot with {@code resource} added or replacing the one with the same FQN. */
  public ConfigSnapshot with(Resource resource) {
    var map = new TreeMap<>(byFqn);
    map.put(checkedFqn(resource).toString(), resource);
    return new ConfigSnapshot(map);
  }

  /** A snapshot without the resource of that FQN (unchanged when absent). */
  public ConfigSnapshot without(Fqn fqn) {
    if (!byFqn.containsKey(fqn.toString())) {
      return this;
    }
    var map = new TreeMap<>(byFqn);
    map.remove(fqn.toString());
    return new ConfigSnapshot(map);
  }

  public Optional<Resource> get(Fqn fqn) {
    return Optional.ofNullable(byFqn.get(fqn.toString()));
  }

  public Optional<Resource> get(String fqn) {
    return Optional.ofNullable(byFqn.get(fqn));
  }

  /** Every resource, in FQN order. */
  public List<Resource> all() {
    return List.copyOf(byFqn.values());
  }

  /** The resources of one kind, in FQN order. */
  public List<Resource> ofKind(Kind kind) {
    return kindIndex().getOrDefault(kind.kindName(), List.of());
  }

  /** The names ({@code metadata.name}) of the resources of one kind, sorted; unmodifiable. */
  public SortedSet<String> namesOf(Kind kind) {
    Map<String, SortedSet<String>> names = namesByKind;
    if (names == null) {
      var built = new HashMap<String, SortedSet<String>>();
      kindIndex()
          .forEach(
              (k, resources) -> {
                var set = new TreeSet<String>();
                resources.forEach(r -> set.add(r.getMetadata().getName()));
                built.put(k, Collections.unmodifiableSortedSet(set));
              });
      names = Map.copyOf(built);
      namesByKind = names;
    }
    return names.getOrDefault(kind.kindName(), Collections.emptySortedSet());
  }

  private Map<String, List<Resource>> kindIndex() {
    Map<String, List<Resource>> index = byKind;
    if (index == null) {
      var built = new HashMap<String, List<Resource>>();
      for (Resource r : byFqn.values()) {
        built.computeIfAbsent(r.getKind(), k -> new ArrayList<>()).add(r);
      }
      var frozen = new HashMap<String, List<Resource>>();
      built.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
      index = Map.copyOf(frozen);
      byKind = index;
    }
    return index;
  }

  public int size() {
    return byFqn.size();
  }

  private static Fqn checkedFqn(Resource r) {
    String text = r.getMetadata().getFqn();
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          r.getKind() + " '" + r.getMetadata().getName() + "' has no metadata.fqn");
    }
    Fqn fqn = Fqn.parse(text);
    Kind kind = fqn.kind().orElseThrow(() -> new IllegalArgumentException("empty FQN"));
    if (!kind.kindName().equals(r.getKind())) {
      throw new IllegalArgumentException(
          "FQN " + text + " names a " + kind.kindName() + " but the resource is a " + r.getKind());
    }
    return fqn;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSnapshot other && byFqn.equals(other.byFqn);
  }

  @Override
  public int hashCode() {
    return byFqn.hashCode();
  }
}
