package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ParentNamesTest {
  private static final ParentNames CONFIG =
      new ParentNames(
          Optional.of("acme"),
          Optional.of("payments"),
          Optional.of("checkout"),
          Optional.of("traffic"));

  @Test
  void noFlagsTakesEveryDefault() {
    assertThat(ParentNames.NONE.withDefaults(CONFIG)).isEqualTo(CONFIG);
  }

  @Test
  void aFlagKeepsDefaultsAboveItAndDropsThoseBelow() {
    ParentNames flags =
        new ParentNames(Optional.empty(), Optional.empty(), Optional.of("other"), Optional.empty());
    assertThat(flags.withDefaults(CONFIG))
        .isEqualTo(
            new ParentNames(
                Optional.of("acme"),
                Optional.of("payments"),
                Optional.of("other"),
                Optional.empty()));
  }

  @Test
  void anOrganizationFlagDropsEveryDefault() {
    ParentNames flags =
        new ParentNames(
            Optional.of("globex"), Optional.empty(), Optional.empty(), Optional.empty());
    assertThat(flags.withDefaults(CONFIG))
        .isEqualTo(
            new ParentNames(
                Optional.of("globex"), Optional.empty(), Optional.empty(), Optional.empty()));
  }
}
