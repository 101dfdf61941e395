package dev.trestle.desiredstate;

import com.typesafe.config.Config;
import dev.trestle.translator.MeshCatalog.Reachability;

/**
 * The desired-state keys ({@code trestle.desired-state.*}, {@code trestle.multicluster.*}), read
 * once.
 *
 * @param deltaHistory how many versions of change rows each cluster keeps: an edge more than this
 *     many versions behind gets a full snapshot instead of a delta
 * @param reachability which remote clusters a cluster gets cross-cluster routes to
 *     ({@code trestle.multicluster.reachability}: all, same-network, none; docs/multicluster.md)
 */
public record DesiredStateSettings(int deltaHistory, Reachability reachability) {

  public DesiredStateSettings {
    if (deltaHistory < 1) {
      throw new IllegalArgumentException(
          "trestle.desired-state.delta-history = " + deltaHistory + " must be at least 1");
    }
    if (reachability == null) {
      reachability = Reachability.ALL;
    }
  }

  public DesiredStateSettings(int deltaHistory) {
    this(deltaHistory, Reachability.ALL);
  }

  public static DesiredStateSettings from(Config config) {
    String key = "trestle.multicluster.reachability";
    return new DesiredStateSettings(
        config.getInt("trestle.desired-state.delta-history"),
        Reachability.parse(config.hasPath(key) ? config.getString(key) : "all"));
  }
}
