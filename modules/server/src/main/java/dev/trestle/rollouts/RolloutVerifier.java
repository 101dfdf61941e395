package dev.trestle.rollouts;

import dev.trestle.protocol.v1.RolloutVerification;
import dev.trestle.telemetry.TrafficQueries.NamespaceTraffic;
import java.util.Locale;

/**
 * A stage's verdict from the traffic to its namespaces over the window: it fails when the 5xx ratio
 * or the p99 latency is above its bound (a bound of 0 is not checked); no requests at all is {@link
 * Verdict.Outcome#NO_DATA}, which passes.
 */
public final class RolloutVerifier {
  private RolloutVerifier() {}

  public static Verdict verdict(RolloutVerification bounds, NamespaceTraffic t, String window) {
    if (t.requests() == 0) {
      return Verdict.noData("no traffic to the stage's namespaces over " + window);
    }
    String seen =
        String.format(
            Locale.ROOT,
            "error ratio %.4f, p99 %.0fms over %s (%d requests)",
            t.errorRatio(),
            t.p99Ms(),
            window,
            t.requests());
    if (bounds.getMaxErrorRatio() > 0 && t.errorRatio() > bounds.getMaxErrorRatio()) {
      return Verdict.fail(seen + ": error ratio above " + fmt(bounds.getMaxErrorRatio()));
    }
    if (bounds.getMaxP99Ms() > 0 && t.p99Ms() > bounds.getMaxP99Ms()) {
      return Verdict.fail(seen + ": p99 above " + fmt(bounds.getMaxP99Ms()) + "ms");
    }
    return Verdict.pass(seen);
  }

  /** A bound as written: {@code 500}, {@code 0.01}. */
  static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
