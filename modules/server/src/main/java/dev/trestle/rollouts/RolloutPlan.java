package dev.trestle.rollouts;

import dev.trestle.core.CborSerializable;
import dev.trestle.protocol.Durations;
import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.protocol.v1.RolloutStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which namespaces each stage of a rollout moves, decided once when the rollout starts: in every
 * cluster of the rollout, the namespaces its edge reports labelled {@code istio.io/rev:
 * <fromRevision>} that a stage's patterns match, each in the first stage that matches it.
 */
public final class RolloutPlan {
  private RolloutPlan() {}

  /** One stage: its name, pause and the (cluster, namespace) pairs it moves. */
  public record Stage(String name, long pauseMillis, List<Target> targets)
      implements CborSerializable {
    public Stage {
      targets = List.copyOf(targets);
    }
  }

  /** A namespace of a cluster (by name). */
  public record Target(String cluster, String namespace) implements CborSerializable {}

  /**
   * @param labels per cluster name of the rollout: namespace → its {@code istio.io/rev} label, as
   *     the cluster's edge reports it
   */
  public static List<Stage> of(RevisionRolloutSpec spec, Map<String, Map<String, String>> labels) {
    var taken = new TreeSet<String>();
    var out = new ArrayList<Stage>();
    for (RolloutStage stage : spec.getStagesList()) {
      var targets = new ArrayList<Target>();
      labels.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              cluster ->
                  cluster.getValue().entrySet().stream()
                      .sorted(Map.Entry.comparingByKey())
                      .filter(ns -> ns.getValue().equals(spec.getFromRevision()))
                      .filter(ns -> matchesAny(stage.getNamespacesList(), ns.getKey()))
                      .filter(ns -> taken.add(cluster.getKey() + "/" + ns.getKey()))
                      .forEach(ns -> targets.add(new Target(cluster.getKey(), ns.getKey()))));
      long pause = Durations.parse(stage.getPause()).map(Duration::toMillis).orElse(0L);
      out.add(new Stage(stage.getName(), pause, targets));
    }
    return out;
  }

  /** Whether a cluster name is selected by the spec's {@code clusters} ({@code *}: all). */
  public static boolean coversCluster(RevisionRolloutSpec spec, String cluster) {
    return spec.getClustersList().contains("*") || spec.getClustersList().contains(cluster);
  }

  static boolean matchesAny(List<String> patterns, String namespace) {
    return patterns.stream().anyMatch(p -> glob(p).matcher(namespace).matches());
  }

  static Pattern glob(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*")));
  }
}
