package dev.trestle.xds;

import com.google.protobuf.Duration;
import dev.trestle.protocol.Durations;

/**
 * Durations in Istio objects ({@code 1.500s} as the translator writes them, or {@code 1m30s},
 * {@code 250ms}) as protobuf ones, read by the project's one duration parser.
 */
final class XdsDurations {
  private XdsDurations() {}

  /** The duration, or {@code 0s} and a diagnostic naming {@code where} when it does not parse. */
  static Duration parse(String where, String text, Diagnostics diagnostics) {
    var nanos = Durations.parseNanos(text.strip());
    if (nanos.isEmpty()) {
      diagnostics.add(where + ": '" + text + "' is not a duration; using 0s");
      return Duration.getDefaultInstance();
    }
    return Duration.newBuilder()
        .setSeconds(nanos.get() / 1_000_000_000L)
        .setNanos((int) (nanos.get() % 1_000_000_000L))
        .build();
  }
}
