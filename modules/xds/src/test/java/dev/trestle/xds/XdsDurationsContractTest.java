package dev.trestle.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The xDS side of the duration contract (the server side is {@code ValidatorTranslatorContractTest}
 * in modules/server): every form the translator writes, and the Go forms a hand-written Istio
 * object may hold, is read as the same seconds and nanoseconds; what is not a duration becomes
 * {@code 0s} with a diagnostic.
 */
class XdsDurationsContractTest {
  private static final Map<String, long[]> READ = new LinkedHashMap<>();

  static {
    // The translator's forms (what the server-side contract test expects it to write).
    READ.put("0s", new long[] {0, 0});
    READ.put("2s", new long[] {2, 0});
    READ.put("0.250s", new long[] {0, 250_000_000});
    READ.put("1.500s", new long[] {1, 500_000_000});
    READ.put("0.000500s", new long[] {0, 500_000});
    READ.put("90s", new long[] {90, 0});
    READ.put("3661.001s", new long[] {3661, 1_000_000});
    READ.put("1.000000001s", new long[] {1, 1});
    READ.put("0.000000001s", new long[] {0, 1});
    READ.put("9223369200s", new long[] {9_223_369_200L, 0});
    // Go forms.
    READ.put("250ms", new long[] {0, 250_000_000});
    READ.put("1m30s", new long[] {90, 0});
    READ.put("1h", new long[] {3600, 0});
  }

  @Test
  void everyDurationIsReadAsTheSameSecondsAndNanos() {
    READ.forEach(
        (text, expected) -> {
          var diagnostics = new Diagnostics();
          var d = XdsDurations.parse("here", text, diagnostics);
          assertThat(new long[] {d.getSeconds(), d.getNanos()}).as(text).containsExactly(expected);
          assertThat(diagnostics.lines()).as(text).isEmpty();
        });
  }

  @Test
  void whatIsNotADurationIsZeroWithADiagnostic() {
    for (String text : List.of("2", "-1s", "1d", "1e3s", "2562048h")) {
      var diagnostics = new Diagnostics();
      var d = XdsDurations.parse("here", text, diagnostics);
      assertThat(d.getSeconds()).as(text).isZero();
      assertThat(diagnostics.lines())
          .as(text)
          .containsExactly("here: '" + text + "' is not a duration; using 0s");
    }
  }
}
