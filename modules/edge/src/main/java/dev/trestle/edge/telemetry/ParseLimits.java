package dev.trestle.edge.telemetry;

/**
 * What one scrape may cost the parser. Past a limit the input is dropped and counted, never
 * buffered: a hostile or broken endpoint cannot make the agent run out of memory.
 *
 * @param maxLineLength characters in one line; a longer line is skipped (read, not kept)
 * @param maxLabels labels of one series; a series with more is skipped
 * @param maxSeries samples kept from one scrape; the rest are counted as dropped
 * @param maxErrorsKept errors kept with their text (all are counted)
 */
public record ParseLimits(int maxLineLength, int maxLabels, int maxSeries, int maxErrorsKept) {
  /** Istio's sidecars write lines of a few hundred characters and about 25 labels. */
  public static final ParseLimits DEFAULT = new ParseLimits(16_384, 64, 200_000, 20);

  public ParseLimits {
    if (maxLineLength < 16 || maxLabels < 1 || maxSeries < 1 || maxErrorsKept < 0) {
      throw new IllegalArgumentException("parse limits must be positive: " + this);
    }
  }
}
