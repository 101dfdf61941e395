package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.rollouts.RolloutEvent;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import dev.trestle.rollouts.RolloutPlan;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit rows of a rollout's steps can be read back through the API: their operation is one of
 * {@link AuditOperation} (an unknown one made every audit query that reached such a row fail).
 */
class RolloutAuditRowsTest {
  private static final String FQN = "organizations/acme/revisionrollouts/r1";
  private static final Instant T0 = Instant.parse("2026-12-08T01:00:00Z");

  @Test
  void everyStepIsAReadableRolloutRowOfTheRunner() {
    var label = List.of(new NamespaceLabel("c1", "shop", "canary", ""));
    List<RolloutEvent> events =
        List.of(
            new RolloutEvent.RolloutStarted(
                FQN,
                2,
                "stable",
                "canary",
                false,
                List.of(
                    new RolloutPlan.Stage("one", 0, List.of(new RolloutPlan.Target("c1", "shop")))),
                T0),
            new RolloutEvent.StageStarted(FQN, 2, 0, label, T0),
            new RolloutEvent.StageLabeled(FQN, 0, T0),
            new RolloutEvent.StagePassed(FQN, 0, "no verification configured", T0),
            new RolloutEvent.StageFailed(FQN, 2, 0, "why", label, T0),
            new RolloutEvent.RolloutSucceeded(FQN, T0));
    for (RolloutEvent e : events) {
      AuditRow row = RolloutAuditRows.rowOf(e);
      assertThat(AuditOperation.valueOf(row.operation())).isEqualTo(AuditOperation.ROLLOUT);
      assertThat(row.principal()).isEqualTo("system:revision-rollout");
      assertThat(row.kind()).isEqualTo("RevisionRollout");
      assertThat(row.fqn()).isEqualTo(FQN);
    }
  }
}
