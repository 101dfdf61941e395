package dev.trestle.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.trestle.telemetry.FailoverSettings.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The error-ratio rule of failover by telemetry and its configuration. */
class FailoverSettingsTest {
  private static final FailoverSettings RULE =
      new FailoverSettings(true, 0.5, 0.1, 20, Duration.ofMinutes(2), Duration.ofSeconds(30));

  @Test
  void aRatioAtOrAboveTheThresholdFailsAndAtOrBelowTheRecoveryIsHealthy() {
    assertThat(RULE.judge(100, 50)).isEqualTo(Verdict.FAILING);
    assertThat(RULE.judge(100, 100)).isEqualTo(Verdict.FAILING);
    assertThat(RULE.judge(100, 10)).isEqualTo(Verdict.HEALTHY);
    assertThat(RULE.judge(100, 0)).isEqualTo(Verdict.HEALTHY);
  }

  @Test
  void betweenTheThresholdsNothingChangesSoAHoveringRatioDoesNotFlap() {
    assertThat(RULE.judge(100, 49)).isEqualTo(Verdict.KEEP);
    assertThat(RULE.judge(100, 11)).isEqualTo(Verdict.KEEP);
  }

  @Test
  void tooFewRequestsOrNoTelemetryDecideNothing() {
    assertThat(RULE.judge(19, 19)).isEqualTo(Verdict.KEEP);
    assertThat(RULE.judge(0, 0)).isEqualTo(Verdict.KEEP);
  }

  @Test
  void shippedDefaultsAreOffAndAThresholdPairThatCannotHoldIsRefusedByName() {
    FailoverSettings defaults = FailoverSettings.from(ConfigFactory.load());
    assertThat(defaults.enabled()).isFalse();
    assertThat(defaults.errorRatio()).isEqualTo(0.5);
    assertThat(defaults.recoverRatio()).isEqualTo(0.1);
    assertThatThrownBy(
            () ->
                new FailoverSettings(
                    true, 0.3, 0.3, 20, Duration.ofMinutes(2), Duration.ofSeconds(30)))
        .hasMessageContaining("trestle.telemetry.failover.recover-ratio = 0.3")
        .hasMessageContaining("below error-ratio");
    assertThatThrownBy(
            () ->
                new FailoverSettings(
                    true, 1.5, 0.1, 20, Duration.ofMinutes(2), Duration.ofSeconds(30)))
        .hasMessageContaining("error-ratio = 1.5");
    assertThatThrownBy(
            () ->
                new FailoverSettings(
                    true, 0.5, 0.1, 20, Duration.ofSeconds(30), Duration.ofSeconds(30)))
        .hasMessageContaining("window");
  }
}
