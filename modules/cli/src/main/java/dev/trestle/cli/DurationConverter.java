package dev.trestle.cli;

import dev.trestle.protocol.Durations;
import java.time.Duration;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way users type them, as everywhere in Trestle ({@link Durations}: {@code
 * 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 1m30s}); a bare number is seconds. Zero is
 * refused: the one CLI duration is the call deadline (--timeout).
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SECONDS = Pattern.compile("\\d+");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String text = value == null ? "" : value.strip();
    Duration d =
        (SECONDS.matcher(text).matches() ? Durations.parse(text + "s") : Durations.parse(text))
            .orElseThrow(
                () ->
                    new TypeConversionException(
                        "'" + value + "' is not a duration (e.g. 500ms, 10s, 2m, 1h)"));
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
