package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.RevisionRolloutStatus;
import dev.trestle.protocol.v1.RolloutClusterStatus;
import dev.trestle.protocol.v1.RolloutNamespaceStatus;
import dev.trestle.protocol.v1.RolloutPhase;
import dev.trestle.protocol.v1.RolloutStagePhase;
import dev.trestle.protocol.v1.RolloutStageStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of {@code trestle rollouts status}. */
class RolloutsCommandTest {
  private static final Instant T0 = Instant.parse("2026-12-08T01:00:00Z");

  private static Timestamp at(int seconds) {
    return Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + seconds).build();
  }

  private static RolloutClusterStatus cluster(String name, int relabelled, String... nsReported) {
    var c = RolloutClusterStatus.newBuilder().setCluster(name).setRelabelled(relabelled);
    for (String n : nsReported) {
      String[] parts = n.split("=", -1);
      c.addNamespaces(
          RolloutNamespaceStatus.newBuilder().setNamespace(parts[0]).setReported(parts[1]));
    }
    return c.build();
  }

  @Test
  void aHaltedRolloutShowsItsHeaderReasonAndARowPerStageAndCluster() {
    var status =
        RevisionRolloutStatus.newBuilder()
            .setRollout("organizations/acme/revisionrollouts/istio-1-22")
            .setPhase(RolloutPhase.ROLLOUT_HALTED)
            .setFromRevision("stable")
            .setToRevision("canary")
            .setRestartWorkloads(true)
            .setCurrentStage(2)
            .setStartedTime(at(0))
            .setFinishedTime(at(150))
            .setVerification("error ratio <= 0.01 over 5m")
            .setHaltReason("stage teams failed verification: error ratio above 0.01")
            .addStages(
                RolloutStageStatus.newBuilder()
                    .setIndex(1)
                    .setName("canary-ns")
                    .setPhase(RolloutStagePhase.STAGE_PASSED)
                    .setPause("1m")
                    .setStartedTime(at(0))
                    .setLabelledTime(at(4))
                    .setPauseUntil(at(64))
                    .setFinishedTime(at(64))
                    .setDetail("no traffic to the stage's namespaces over 5m")
                    .addClusters(cluster("eu-west-1a", 1, "shop-staging=canary"))
                    .addClusters(cluster("us-east-1a", 1, "shop-staging=canary")))
            .addStages(
                RolloutStageStatus.newBuilder()
                    .setIndex(2)
                    .setName("teams")
                    .setPhase(RolloutStagePhase.STAGE_REVERTED)
                    .setPause("1m")
                    .setStartedTime(at(64))
                    .setLabelledTime(at(70))
                    .setPauseUntil(at(130))
                    .setFinishedTime(at(150))
                    .setDetail("stage teams failed verification: error ratio above 0.01")
                    .addClusters(cluster("eu-west-1a", 1, "team-a=stable", "team-b=canary")))
            .addStages(
                RolloutStageStatus.newBuilder()
                    .setIndex(3)
                    .setName("rest")
                    .setPhase(RolloutStagePhase.STAGE_SKIPPED))
            .build();

    String out = RolloutsCommand.render(List.of(status));

    assertThat(out)
        .startsWith(
            "organizations/acme/revisionrollouts/istio-1-22: HALTED at stage 2 of 3,"
                + " stable -> canary, restarting workloads\n"
                + "  started 2026-12-08T01:00:00Z, finished 2026-12-08T01:02:30Z\n"
                + "  verification: error ratio <= 0.01 over 5m\n"
                + "  halted: stage teams failed verification: error ratio above 0.01\n")
        .doesNotContain("ROLLOUT_")
        .doesNotContain("STAGE_")
        .containsPattern("1 canary-ns +eu-west-1a +PASSED +1/1 +shop-staging=canary +1m +01:00:00")
        .containsPattern("1 canary-ns +us-east-1a +PASSED +1/1 +shop-staging=canary")
        // a finished stage's pause shows no "until"
        .doesNotContain("1m until")
        .containsPattern(
            "2 teams +eu-west-1a +REVERTED +1/2 +team-a=stable, team-b=canary +1m +01:01:04"
                + " +01:01:10 +01:02:30 +stage teams failed")
        .containsPattern("3 rest +- +SKIPPED +0/0 +\\(none labelled stable\\) +- +- +- +-");
  }

  @Test
  void aPausingStageSaysUntilWhen() {
    var status =
        RevisionRolloutStatus.newBuilder()
            .setRollout("organizations/acme/revisionrollouts/r")
            .setPhase(RolloutPhase.ROLLOUT_RUNNING)
            .setFromRevision("stable")
            .setToRevision("canary")
            .setCurrentStage(1)
            .addStages(
                RolloutStageStatus.newBuilder()
                    .setIndex(1)
                    .setName("one")
                    .setPhase(RolloutStagePhase.STAGE_PAUSING)
                    .setPause("10m")
                    .setStartedTime(at(0))
                    .setLabelledTime(at(5))
                    .setPauseUntil(at(605))
                    .addClusters(cluster("c1", 1, "shop=canary")))
            .build();

    assertThat(RolloutsCommand.render(List.of(status)))
        .contains(": RUNNING at stage 1 of 1, stable -> canary\n")
        .contains("  verification: none\n")
        .doesNotContain("halted:")
        .containsPattern("1 one +c1 +PAUSING +1/1 +shop=canary +10m until 01:10:05 +01:00:00");
  }
}
