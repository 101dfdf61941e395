package dev.trestle.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void durationsAreWrittenInProtobufJsonForm() {
    assertThat(Durations.normalize("2s")).contains("2s");
    assertThat(Durations.normalize("250ms")).contains("0.250s");
    assertThat(Durations.normalize("1.5s")).contains("1.500s");
    assertThat(Durations.normalize("1m30s")).contains("90s");
    assertThat(Durations.normalize("1h")).contains("3600s");
    assertThat(Durations.normalize("0.0001s")).contains("0.000100s");
    assertThat(Durations.normalize("1.000000001s")).contains("1.000000001s");
  }

  @Test
  void whatIsNotADurationIsRefused() {
    assertThat(Durations.normalize("")).isEmpty();
    assertThat(Durations.normalize("2")).isEmpty();
    assertThat(Durations.normalize("2 s")).isEmpty();
    assertThat(Durations.normalize("2d")).isEmpty();
    assertThat(Durations.normalize("-1s")).isEmpty();
  }

  @Test
  void parsedValuesAreExactNanosAndTooLongOnesAreRefused() {
    assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(Durations.parse("1m30s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("1.5s")).contains(Duration.ofMillis(1500));
    assertThat(Durations.parseNanos("0.0000000005s")).contains(1L);
    assertThat(Durations.parseNanos("2562047h")).contains(2_562_047L * 3_600_000_000_000L);
    assertThat(Durations.parseNanos("2562048h")).isEmpty();
  }
}
