package dev.trestle.telemetry;

import dev.trestle.protocol.v1.TimeRange;
import java.time.Duration;
import java.time.Instant;

/**
 * A query's time range, aligned to the rows it reads: minutes, or hours when it starts before the
 * minutes' retention. The end defaults to the last full minute, the start to 15 minutes before the
 * end; {@code stepS} is the slot length (the whole range for one point).
 */
record QueryRange(long fromS, long toS, long stepS, boolean hourly) {
  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
  static final int MAX_POINTS = 1500;

  /** Why a range cannot be answered. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  static QueryRange of(TimeRange r, Instant now, Duration minuteRetention, Duration hourRetention) {
    long nowS = now.getEpochSecond();
    long end = r.hasEnd() ? r.getEnd().getSeconds() : Math.floorDiv(nowS, 60) * 60;
    long start = r.hasStart() ? r.getStart().getSeconds() : end - DEFAULT_WINDOW.toSeconds();
    if (end <= start) {
      throw new Invalid("range.end must be after range.start");
    }
    if (start < nowS - hourRetention.toSeconds()) {
      throw new Invalid(
          "range.start is older than the hourly retention ("
              + hourRetention.toDays()
              + " days, trestle.telemetry.retention.hours)");
    }
    boolean hourly = start < nowS - minuteRetention.toSeconds();
    long unit = hourly ? 3600 : 60;
    long from = Math.floorDiv(start, unit) * unit;
    long to = Math.floorDiv(end + unit - 1, unit) * unit;
    long step = r.getStepSeconds() == 0 ? to - from : ceil(r.getStepSeconds(), unit);
    if ((to - from) / step > MAX_POINTS) {
      throw new Invalid(
          "range and step give more than " + MAX_POINTS + " points; ask for a larger step");
    }
    return new QueryRange(from, to, step, hourly);
  }

  int slots() {
    return (int) ((toS - fromS + stepS - 1) / stepS);
  }

  /** The length of slot {@code i} in seconds (the last one may be shorter). */
  long slotSeconds(int i) {
    long start = fromS + i * stepS;
    return Math.min(stepS, toS - start);
  }

  long seconds() {
    return toS - fromS;
  }

  private static long ceil(long value, long unit) {
    return Math.max(unit, (value + unit - 1) / unit * unit);
  }
}
