package dev.trestle.protocol;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in Trestle resources, Istio and Go: one or more {@code
 * <decimal><unit>} parts with units {@code ms}, {@code s}, {@code m}, {@code h} ({@code 250ms},
 * {@code 2s}, {@code 1.5s}, {@code 1m30s}, {@code 1h}); no sign, no spaces, no days. The server's
 * validator, the translator and the xDS translator all read them here, so a value the validator
 * accepts means the same everywhere.
 *
 * <p>{@link #format} writes the one form every Istio parser accepts: the protobuf JSON form, whole
 * seconds plus 0, 3, 6 or 9 fractional digits and an {@code s} ({@code 0.250s}, {@code 2s}, {@code
 * 90s}). Go's {@code time.ParseDuration}, protobuf JSON and the CEL rules in Istio's CRDs all read
 * it, so the emitted objects do not depend on which of them a given Istio version uses.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  private Durations() {}

  /**
   * Nanoseconds (sub-nanosecond fractions rounded half up), or empty when the text is not a
   * duration or does not fit a {@code long} of nanoseconds (about 292 years).
   */
  public static Optional<Long> parseNanos(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(text);
    int at = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        return Optional.empty();
      }
      long unitNanos =
          switch (m.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos)));
      at = m.end();
    }
    try {
      return Optional.of(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException tooLong) {
      return Optional.empty();
    }
  }

  /** The duration, or empty when the text is not one (see {@link #parseNanos}). */
  public static Optional<Duration> parse(String text) {
    return parseNanos(text).map(Duration::ofNanos);
  }

  /** The protobuf JSON form of a duration, or empty when it does not parse. */
  public static Optional<String> normalize(String text) {
    return parseNanos(text).map(Durations::format);
  }

  /** The protobuf JSON form of {@code nanos} (not negative): {@code 2s}, {@code 0.250s}. */
  public static String format(long nanos) {
    long seconds = nanos / 1_000_000_000L;
    long fraction = nanos % 1_000_000_000L;
    if (fraction == 0) {
      return seconds + "s";
    }
    String digits =
        BigDecimal.valueOf(fraction).divide(NANOS_PER_SECOND).toPlainString().substring(2);
    int width = digits.length() <= 3 ? 3 : digits.length() <= 6 ? 6 : 9;
    StringBuilder padded = new StringBuilder(digits);
    while (padded.length() < width) {
      padded.append('0');
    }
    return seconds + "." + padded + "s";
  }
}
