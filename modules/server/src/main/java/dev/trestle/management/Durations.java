package dev.trestle.management;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them in Istio and Go: "250ms", "2s", "1.5s", "1m30s", "1h". */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    Matcher m = PART.matcher(text);
    int at = 0;
    BigDecimal millis = BigDecimal.ZERO;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        return Optional.empty();
      }
      BigDecimal amount = new BigDecimal(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            default -> 3_600_000L;
          };
      millis = millis.add(amount.multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    return Optional.of(
        Duration.ofNanos(millis.multiply(BigDecimal.valueOf(1_000_000)).longValue()));
  }
}
