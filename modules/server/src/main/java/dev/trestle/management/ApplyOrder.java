package dev.trestle.management;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The order in which a multi-document apply runs: every document after its parent and after the
 * resources it references when those are in the same batch; otherwise shallower kinds first, then
 * input order. Reference cycles cannot be ordered; their members run by depth.
 */
final class ApplyOrder {
  private ApplyOrder() {}

  /**
   * Waves of documents that may run concurrently: every document's in-batch dependencies are in
   * earlier waves (cycle members are put after whatever was ordered before them).
   */
  static List<List<Integer>> waves(List<Resource> resources, List<Integer> indices) {
    var deps = new HashMap<Integer, Set<Integer>>();
    List<Integer> order = of(resources, indices, deps);
    var level = new HashMap<Integer, Integer>();
    var waves = new ArrayList<List<Integer>>();
    for (int i : order) {
      int l = 0;
      for (int d : deps.getOrDefault(i, Set.of())) {
        if (level.containsKey(d)) {
          l = Math.max(l, level.get(d) + 1);
        }
      }
      level.put(i, l);
      while (waves.size() <= l) {
        waves.add(new ArrayList<>());
      }
      waves.get(l).add(i);
    }
    return waves;
  }

  static List<Integer> of(List<Resource> resources, List<Integer> indices) {
    return of(resources, indices, new HashMap<>());
  }

  private static List<Integer> of(
      List<Resource> resources, List<Integer> indices, Map<Integer, Set<Integer>> dependencies) {
    Map<String, List<Integer>> byFqn = new HashMap<>();
    Map<Integer, String> fqnOf = new HashMap<>();
    for (int i : indices) {
      String fqn = ResourceMapper.snapshotOf(resources.get(i)).fqn();
      fqnOf.put(i, fqn);
      byFqn.computeIfAbsent(fqn, k -> new ArrayList<>()).add(i);
    }
    Map<Integer, Set<Integer>> waitsFor = new HashMap<>();
    Map<Integer, List<Integer>> unblocks = new HashMap<>();
    for (int i : indices) {
      var deps = new HashSet<String>();
      deps.add(Fqn.parse(fqnOf.get(i)).parent().toString());
      deps.addAll(ResourceValidator.references(resources.get(i)).values());
      var waits = new HashSet<Integer>();
      for (String dep : deps) {
        for (int j : byFqn.getOrDefault(dep, List.of())) {
          if (j != i) {
            waits.add(j);
          }
        }
      }
      // the same resource twice: the later document runs after the earlier one
      for (int j : byFqn.get(fqnOf.get(i))) {
        if (j < i) {
          waits.add(j);
        }
      }
      waits.forEach(j -> unblocks.computeIfAbsent(j, k -> new ArrayList<>()).add(i));
      waitsFor.put(i, waits);
    }
    dependencies.clear();
    waitsFor.forEach((i, w) -> dependencies.put(i, Set.copyOf(w)));
    Comparator<Integer> byDepthThenInput =
        Comparator.<Integer>comparingInt(i -> depth(resources.get(i))).thenComparingInt(i -> i);
    var ready = new PriorityQueue<>(byDepthThenInput);
    indices.stream().filter(i -> waitsFor.get(i).isEmpty()).forEach(ready::add);
    var order = new ArrayList<Integer>();
    var done = new HashSet<Integer>();
    while (order.size() < indices.size()) {
      if (ready.isEmpty()) {
        // A cycle: release its shallowest member.
        indices.stream().filter(i -> !done.contains(i)).min(byDepthThenInput).ifPresent(ready::add);
      }
      int next = ready.poll();
      if (!done.add(next)) {
        continue;
      }
      order.add(next);
      for (int dependent : unblocks.getOrDefault(next, List.of())) {
        var waits = waitsFor.get(dependent);
        waits.remove(next);
        if (waits.isEmpty() && !done.contains(dependent)) {
          ready.add(dependent);
        }
      }
    }
    return order;
  }

  private static int depth(Resource r) {
    return Kind.byKindName(r.getKind()).map(Kind::depth).orElse(0);
  }
}
