package dev.trestle.cli;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;

/** Compact elapsed times, kubectl style: {@code 42s}, {@code 5m}, {@code 3h}, {@code 12d}. */
public final class Ages {
  private Ages() {}

  public static String since(Timestamp time, Instant now) {
    if (time == null || (time.getSeconds() == 0 && time.getNanos() == 0)) {
      return "-";
    }
    return format(Duration.between(Instant.ofEpochSecond(time.getSeconds(), time.getNanos()), now));
  }

  public static String format(Duration elapsed) {
    long s = Math.max(0, elapsed.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 120 * 60) {
      return s / 60 + "m";
    }
    if (s < 48 * 3600) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
