package dev.trestle.rollouts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.protocol.v1.RolloutStage;
import dev.trestle.protocol.v1.RolloutVerification;
import dev.trestle.telemetry.TrafficQueries.NamespaceTraffic;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which namespaces each stage moves, and the telemetry verdict. */
class RolloutPlanTest {
  @Test
  void eachNamespaceOnTheFromRevisionGoesToTheFirstStageMatchingIt() {
    var spec =
        RevisionRolloutSpec.newBuilder()
            .setFromRevision("stable")
            .setToRevision("canary")
            .addStages(
                RolloutStage.newBuilder().setName("a").addNamespaces("team-*").setPause("1m"))
            .addStages(RolloutStage.newBuilder().setName("b").addNamespaces("*"))
            .build();
    var labels =
        Map.of(
            "c1",
            Map.of("team-a", "stable", "team-b", "canary", "shop", "stable", "legacy", ""),
            "c2",
            Map.of("team-c", "stable"));

    var plan = RolloutPlan.of(spec, labels);

    assertThat(plan.get(0).pauseMillis()).isEqualTo(60_000);
    assertThat(plan.get(0).targets())
        .extracting(t -> t.cluster() + "/" + t.namespace())
        .containsExactly("c1/team-a", "c2/team-c");
    assertThat(plan.get(1).targets())
        .extracting(t -> t.cluster() + "/" + t.namespace())
        .containsExactly("c1/shop");
  }

  @Test
  void aStageFailsAboveABoundPassesWithinAndNoTrafficIsNoData() {
    var bounds = RolloutVerification.newBuilder().setMaxErrorRatio(0.01).setMaxP99Ms(500).build();
    assertThat(
            RolloutVerifier.verdict(bounds, new NamespaceTraffic(100, 0.02, 100), "5m").outcome())
        .isEqualTo(Verdict.Outcome.FAIL);
    assertThat(RolloutVerifier.verdict(bounds, new NamespaceTraffic(100, 0.0, 900), "5m").detail())
        .contains("p99 above 500ms");
    assertThat(
            RolloutVerifier.verdict(bounds, new NamespaceTraffic(100, 0.005, 120), "5m").outcome())
        .isEqualTo(Verdict.Outcome.PASS);
    assertThat(RolloutVerifier.verdict(bounds, new NamespaceTraffic(0, 0, 0), "5m").outcome())
        .isEqualTo(Verdict.Outcome.NO_DATA);
  }
}
