package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

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
}
