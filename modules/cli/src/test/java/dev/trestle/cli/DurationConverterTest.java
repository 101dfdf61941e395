package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {
  @Test
  void readsUnitsAndBareSeconds() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("3")).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void rejectsGarbageAndZero() {
    assertThatThrownBy(() -> DurationConverter.parse("ten")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> DurationConverter.parse("0s")).hasMessageContaining("positive");
  }

  @Test
  void formatsShortestUnit() {
    assertThat(DurationConverter.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationConverter.format(Duration.ofMinutes(2))).isEqualTo("2m");
  }
}
