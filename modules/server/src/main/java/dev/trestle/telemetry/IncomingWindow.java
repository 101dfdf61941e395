package dev.trestle.telemetry;

import java.util.List;

/**
 * One reported window, validated and mapped onto central's series and buckets, waiting to be
 * written.
 *
 * @param cluster the reporting cluster's FQN ({@code organizations/ORG/clusters/NAME})
 * @param agentInstance the edge agent process that aggregated it
 * @param startSeconds the window's start, epoch seconds
 */
record IncomingWindow(
    String cluster, String agentInstance, long startSeconds, List<Series> series) {

  IncomingWindow {
    series = List.copyOf(series);
  }

  /** One series of the window: what it is about and its counters. */
  record Series(SeriesKey key, SeriesCounters counters) {}

  /** The minute (epoch seconds) this window is summed into. */
  long minute() {
    return Math.floorDiv(startSeconds, 60) * 60;
  }

  /** What happened to a window. */
  enum Outcome {
    STORED,
    DUPLICATE,
    DROPPED,
    FAILED
  }
}
