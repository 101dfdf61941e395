package dev.trestle.xds;

import com.google.protobuf.Duration;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Istio durations in objects ({@code 1.500s}, {@code 1m30s}, {@code 250ms}) as protobuf ones. */
final class XdsDurations {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private XdsDurations() {}

  /** The duration, or {@code 0s} and a diagnostic naming {@code where} when it does not parse. */
  static Duration parse(String where, String text, Diagnostics diagnostics) {
    String s = text.strip();
    Matcher m = DURATION_PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      BigDecimal v = new BigDecimal(m.group(1));
      BigDecimal unit =
          switch (m.group(2)) {
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
          };
      nanos = nanos.add(v.multiply(unit));
      end = m.end();
    }
    if (end == 0 || end != s.length()) {
      diagnostics.add(where + ": '" + text + "' is not a duration; using 0s");
      return Duration.getDefaultInstance();
    }
    long total = nanos.longValue();
    return Duration.newBuilder()
        .setSeconds(total / 1_000_000_000L)
        .setNanos((int) (total % 1_000_000_000L))
        .build();
  }
}
