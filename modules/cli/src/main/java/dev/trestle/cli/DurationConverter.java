package dev.trestle.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way users type them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; a
 * bare number is seconds.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    Matcher m = FORMAT.matcher(value == null ? "" : value.strip());
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (e.g. 500ms, 10s, 2m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofSeconds(n);
        };
    if (d.isZero()) {
      throw new TypeConversionException("'" + value + "': the duration must be positive");
    }
    return d;
  }

  /** The short form used in messages: {@code 10s}, {@code 500ms}. */
  public static String format(Duration d) {
    if (d.toMillisPart() != 0 || d.toSeconds() == 0) {
      return d.toMillis() + "ms";
    }
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + "h";
    }
    if (d.toSeconds() % 60 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }
}
