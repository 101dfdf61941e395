package dev.trestle.edge.telemetry;

import java.util.List;
import java.util.Map;

/**
 * The outcome of parsing one exposition.
 *
 * @param lines lines read
 * @param samples samples accepted (handed to the consumer)
 * @param errors lines refused, counted
 * @param firstErrors the first errors (at most {@link ParseLimits#maxErrorsKept()})
 * @param droppedSeries samples over {@link ParseLimits#maxSeries()}, counted and not parsed
 * @param types the {@code # TYPE} of each family that declared one
 * @param help the {@code # HELP} text of each family that has one, unescaped
 */
public record ParseReport(
    long lines,
    long samples,
    long errors,
    List<ParseError> firstErrors,
    long droppedSeries,
    Map<String, MetricType> types,
    Map<String, String> help) {

  public ParseReport {
    firstErrors = List.copyOf(firstErrors);
    types = Map.copyOf(types);
    help = Map.copyOf(help);
  }

  /** One line for logs and the status page: the counts and the first error. */
  public String summary() {
    String first = firstErrors.isEmpty() ? "" : "; first: " + firstErrors.get(0);
    return samples
        + " samples, "
        + errors
        + " bad lines, "
        + droppedSeries
        + " series over the limit"
        + first;
  }
}
