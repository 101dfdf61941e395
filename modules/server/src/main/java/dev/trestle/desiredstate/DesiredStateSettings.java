package dev.trestle.desiredstate;

import com.typesafe.config.Config;

/**
 * The desired-state keys ({@code trestle.desired-state.*}), read once.
 *
 * @param deltaHistory how many versions of change rows each cluster keeps: an edge more than this
 *     many versions behind gets a full snapshot instead of a delta
 */
public record DesiredStateSettings(int deltaHistory) {

  public DesiredStateSettings {
    if (deltaHistory < 1) {
      throw new IllegalArgumentException(
          "trestle.desired-state.delta-history = " + deltaHistory + " must be at least 1");
    }
  }

  public static DesiredStateSettings from(Config config) {
    return new DesiredStateSettings(config.getInt("trestle.desired-state.delta-history"));
  }
}
