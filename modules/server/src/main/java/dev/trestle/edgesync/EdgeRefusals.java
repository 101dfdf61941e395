package dev.trestle.edgesync;

import dev.trestle.core.Problem;

/** Where refused edge connections of a known cluster are recorded (the audit log). */
@FunctionalInterface
public interface EdgeRefusals {
  EdgeRefusals NONE = (cluster, problem) -> {};

  void refused(String cluster, Problem problem);
}
