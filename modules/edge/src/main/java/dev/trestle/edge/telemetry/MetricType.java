package dev.trestle.edge.telemetry;

import java.util.Locale;
import java.util.Optional;

/** The types a {@code # TYPE} line may declare (text format 0.0.4). */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  SUMMARY,
  UNTYPED;

  static Optional<MetricType> parse(String text) {
    return switch (text) {
      case "counter", "gauge", "histogram", "summary", "untyped" ->
          Optional.of(valueOf(text.toUpperCase(Locale.ROOT)));
      default -> Optional.empty();
    };
  }
}
