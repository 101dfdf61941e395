package dev.trestle.rollouts;

import dev.trestle.core.CborSerializable;

/** What the telemetry says about a stage's namespaces over the verification window. */
public record Verdict(Outcome outcome, String detail) implements CborSerializable {
  public enum Outcome {
    PASS,
    FAIL,
    /** No traffic was reported for them: the stage passes, and says so. */
    NO_DATA
  }

  public static Verdict pass(String detail) {
    return new Verdict(Outcome.PASS, detail);
  }

  public static Verdict fail(String detail) {
    return new Verdict(Outcome.FAIL, detail);
  }

  public static Verdict noData(String detail) {
    return new Verdict(Outcome.NO_DATA, detail);
  }
}
