package dev.trestle.core;

/**
 * The fixed tag scheme of configuration events, read by projections (audit, desired state). Every
 * event of a config resource carries the slice tag {@code config-N}, N = floorMod(fqn hashCode,
 * SLICES); content events also carry {@link #DESIRED_STATE}. String.hashCode is specified by the
 * JLS, so the slice of an FQN never changes. Changing SLICES re-partitions existing events and
 * needs a migration.
 */
public final class ConfigTags {
  public static final int SLICES = 4;
  public static final String PREFIX = "config-";

  /**
   * The one tag, besides its slice, on every event the desired-state projection reads: resource
   * created/updated/deleted and cluster inventory changes. One tag keeps their order: a group's new
   * selectors and a route below it are translated in the order they were accepted.
   */
  public static final String DESIRED_STATE = "desired-state";

  private ConfigTags() {}

  public static String tagFor(String fqn) {
    return PREFIX + Math.floorMod(fqn.hashCode(), SLICES);
  }

  public static String tag(int slice) {
    return PREFIX + slice;
  }
}
