package dev.trestle.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.trestle.gitops.SyncStatusEntity.Command;
import dev.trestle.gitops.SyncStatusEntity.Event;
import dev.trestle.gitops.SyncStatusEntity.State;
import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResourceState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A source's journaled sync status: what is journaled, what is not, and a restart. */
class SyncStatusEntityTest {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));
  private static final Instant T0 = Instant.parse("2026-12-08T01:00:00.123456789Z");
  private static final String SHA = "4f2a9c1d03be4f2a9c1d03be4f2a9c1d03be4f2a";
  private static final String WS = "organizations/a/tenants/t/workspaces/w";

  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SyncStatusEntity.create(
                "organizations/a/tenants/t/gitsources/s" + COUNTER.incrementAndGet()),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static SyncReport report(GitOpsResourceState state, Instant at) {
    var snapshot = new ResourceSnapshot("Workspace", WS, new TreeMap<>(), "", false, "{}");
    return new SyncReport(
        SHA,
        SHA,
        GitOpsPhase.GITOPS_SYNCED,
        "",
        at,
        List.of(new SyncReport.ResourceState(WS, "Workspace", state, "config/w.yaml", 1, "", "")),
        Map.of(WS, SyncReport.digest(snapshot)));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Done> record(
      SyncReport r) {
    return kit.runCommand(reply -> new SyncStatusEntity.RecordSync(SyncRecord.of(r), reply));
  }

  @Test
  void journalsAnOutcomeOnceAndNothingWhileASourceIsIdle() {
    var first = record(report(GitOpsResourceState.RESOURCE_CREATED, T0));
    assertThat(first.events()).hasSize(1);
    var second = record(report(GitOpsResourceState.RESOURCE_IN_SYNC, T0.plusSeconds(60)));
    assertThat(second.events()).hasSize(1);
    for (int i = 2; i < 10; i++) {
      var idle = record(report(GitOpsResourceState.RESOURCE_IN_SYNC, T0.plusSeconds(60L * i)));
      assertThat(idle.events()).as("idle sync %d", i).isEmpty();
    }
    assertThat(kit.getState().last().at()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void keepsTheLastOutcomeAcrossARestartWithItsEnumsAndDigests() {
    SyncReport r = report(GitOpsResourceState.RESOURCE_CREATED, T0);
    record(r);
    kit.restart();
    SyncReport back = kit.getState().last().toReport();
    assertThat(back).isEqualTo(r);
    assertThat(back.resources().get(0).state()).isEqualTo(GitOpsResourceState.RESOURCE_CREATED);
    assertThat(kit.getState().interrupted()).isFalse();
  }

  @Test
  void aSyncCutShortAfterItBeganWritingIsInterruptedAfterARestartUntilItsOutcomeIsJournaled() {
    record(report(GitOpsResourceState.RESOURCE_IN_SYNC, T0));
    var began =
        kit.runCommand(
            (ActorRef<Done> reply) ->
                new SyncStatusEntity.BeginWrites("next", T0.plusSeconds(5), reply));
    assertThat(began.events()).hasSize(1);
    var again =
        kit.runCommand(
            (ActorRef<Done> reply) ->
                new SyncStatusEntity.BeginWrites("next", T0.plusSeconds(6), reply));
    assertThat(again.events()).isEmpty();

    kit.restart();
    assertThat(kit.getState().interrupted()).isTrue();
    assertThat(kit.getState().writing()).isEqualTo("next");
    // even an outcome equal to the last one is journaled: it ends the interrupted sync
    var ended = record(report(GitOpsResourceState.RESOURCE_IN_SYNC, T0.plusSeconds(9)));
    assertThat(ended.events()).hasSize(1);
    kit.restart();
    assertThat(kit.getState().interrupted()).isFalse();
  }

  @Test
  void anUnknownJournaledNameReadsAsUnspecified() {
    var odd =
        new SyncRecord(
            SHA,
            SHA,
            "GITOPS_SOMETHING_NEW",
            "",
            T0,
            List.of(new SyncRecord.Resource(WS, "Workspace", "RESOURCE_NEW", "p", 1, "", "")),
            Map.of());
    SyncReport back = odd.toReport();
    assertThat(back.phase()).isEqualTo(GitOpsPhase.GITOPS_PENDING);
    assertThat(back.resources().get(0).state())
        .isEqualTo(GitOpsResourceState.GIT_OPS_RESOURCE_STATE_UNSPECIFIED);
  }
}
