package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile input: the parser never throws, never keeps more than its limits, and refuses
 * garbage line by line. Seeded, so a failure replays; each case is bounded in time.
 */
class PrometheusTextParserFuzzTest {
  private static final long SEED = 0x7E1E_2026L;
  private static final Duration BOUND = Duration.ofSeconds(60);
  private final ParseLimits limits = new ParseLimits(4096, 32, 10_000, 5);
  private final PrometheusTextParser parser = new PrometheusTextParser(limits);

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  /** Every sample handed out is well formed whatever the input (plain checks: AssertJ is slow). */
  private void check(Sample s) {
    if (!METRIC_NAME.matcher(s.name()).matches() || s.labels().size() > limits.maxLabels()) {
      throw new AssertionError("malformed sample accepted: " + s);
    }
    for (int i = 0; i < s.labels().size(); i++) {
      if (!LABEL_NAME.matcher(s.labels().name(i)).matches()) {
        throw new AssertionError("malformed label name accepted: " + s);
      }
    }
  }

  @Test
  void randomBytesNeverThrowAndStayWithinLimits() {
    var random = new Random(SEED);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          for (int round = 0; round < 300; round++) {
            char[] text = new char[random.nextInt(20_000)];
            for (int i = 0; i < text.length; i++) {
              text[i] = (char) random.nextInt(random.nextBoolean() ? 128 : 0x10000);
            }
            var report = parser.parse(new String(text), this::check);
            assertThat(report.firstErrors().size()).isLessThanOrEqualTo(limits.maxErrorsKept());
            assertThat(report.samples()).isLessThanOrEqualTo(limits.maxSeries());
          }
        });
  }

  @Test
  void mutatedIstioBodiesAreReadLineByLine() {
    var random = new Random(SEED + 1);
    String alphabet = "{}=\",\\\n #\t+-.eE0123456789abcXYZ_:";
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          String body = PrometheusTextParserTest.resource("istio-sidecar.prom");
          long cleanSamples = parser.parse(body).samples().size();
          for (int round = 0; round < 200; round++) {
            var mutated = new StringBuilder(body);
            int edits = 1 + random.nextInt(20);
            for (int e = 0; e < edits; e++) {
              int at = random.nextInt(mutated.length());
              switch (random.nextInt(3)) {
                case 0 -> mutated.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> mutated.deleteCharAt(at);
                default -> mutated.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
              }
            }
            var report = parser.parse(mutated.toString(), this::check);
            // A damaged line costs that line (or, with a newline inserted, two); never the rest.
            assertThat(report.samples() + report.errors())
                .isGreaterThanOrEqualTo(cleanSamples - 2L * edits);
          }
        });
  }

  @Test
  void aHugeLineIsSkippedWithoutBeingKept() {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          // 50 M characters in one line, streamed: the parser must not buffer it.
          var report =
              parser.parse(
                  new RepeatingReader("m{a=\"", "x", 50_000_000L, "\"} 1\nok 1\n"), this::check);
          assertThat(report.samples()).isEqualTo(1);
          assertThat(report.errors()).isEqualTo(1);
          assertThat(report.firstErrors().get(0).toString()).contains("line 1: line too long");
        });
  }

  @Test
  void millionsOfLabelsAreRefusedCheaply() {
    var wide = new PrometheusTextParser(new ParseLimits(16 * 1024 * 1024, 64, 10, 5));
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          var text = new StringBuilder("m{");
          for (int i = 0; i < 1_000_000; i++) {
            text.append('l').append(i).append("=\"v\",");
          }
          text.append("} 1\nok 2\n");
          var report = wide.parse(text.toString(), this::check);
          assertThat(report.samples()).isEqualTo(1);
          assertThat(report.firstErrors().get(0).why()).contains("more than 64 labels");
        });
  }

  @Test
  void unterminatedQuotesAndBracesCostOnlyTheirLine() {
    String text =
        "a{x=\"never closed} 1\n"
            + "b{x=\"escaped at the end\\\n"
            + "c{x=\"ok\" 1\n"
            + "d{x=\"ok\"} 4\n"
            + "e{x=\""
            + "\\\"".repeat(1000)
            + "\n"
            + "f 6\n";
    var parsed = parser.parse(text);

    assertThat(parsed.samples()).extracting(Sample::name).containsExactly("d", "f");
    assertThat(parsed.report().errors()).isEqualTo(4);
    assertThat(parsed.report().firstErrors())
        .extracting(ParseError::line)
        .containsExactly(1L, 2L, 3L, 5L);
    assertThat(parsed.report().firstErrors().get(0).why()).contains("unterminated quoted value");
  }

  /**
   * {@code head}, then {@code filler} repeated up to {@code length} characters, then {@code tail}.
   */
  private static final class RepeatingReader extends Reader {
    private final String head;
    private final char filler;
    private final String tail;
    private final long fillerLength;
    private long position;

    RepeatingReader(String head, String filler, long fillerLength, String tail) {
      this.head = head;
      this.filler = filler.charAt(0);
      this.fillerLength = fillerLength;
      this.tail = tail;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      long total = head.length() + fillerLength + tail.length();
      if (position >= total) {
        return -1;
      }
      int n = 0;
      while (n < length && position < total) {
        long p = position++;
        if (p < head.length()) {
          buffer[offset + n++] = head.charAt((int) p);
        } else if (p < head.length() + fillerLength) {
          buffer[offset + n++] = filler;
        } else {
          buffer[offset + n++] = tail.charAt((int) (p - head.length() - fillerLength));
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {}
  }
}
