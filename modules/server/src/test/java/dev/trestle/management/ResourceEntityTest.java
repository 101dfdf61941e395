package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.trestle.core.ConfigTags;
import dev.trestle.core.Problem;
import dev.trestle.management.ResourceEntity.ApplyReply;
import dev.trestle.management.ResourceEntity.ApplyResource;
import dev.trestle.management.ResourceEntity.ChildReply;
import dev.trestle.management.ResourceEntity.Command;
import dev.trestle.management.ResourceEntity.DeleteReply;
import dev.trestle.management.ResourceEntity.DeleteResource;
import dev.trestle.management.ResourceEntity.Event;
import dev.trestle.management.ResourceEntity.Outcome;
import dev.trestle.management.ResourceEntity.RegisterChild;
import dev.trestle.management.ResourceEntity.State;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResourceEntityTest {
  private static final String FQN = "organizations/acme/tenants/payments";
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          EventSourcedBehaviorTestKit.config()
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  private EventSourcedBehaviorTestKit<Command, Event, State> kit;

  @BeforeEach
  void setUp() {
    kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            ResourceEntity.create(FQN, CLOCK),
            EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.clear();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static ResourceSnapshot tenant(String displayName, Map<String, String> labels) {
    return new ResourceSnapshot(
        "Tenant",
        FQN,
        new TreeMap<>(labels),
        "",
        false,
        "{\"displayName\":\"" + displayName + "\"}");
  }

  private static ValidationContext context() {
    var org =
        new ResourceSnapshot(
            "Organization", "organizations/acme", new TreeMap<>(), "", false, "{}");
    return new ValidationContext(List.of(org), Set.of());
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, ApplyReply>
      apply(ResourceSnapshot desired, long expectedVersion) {
    return kit.runCommand(
        replyTo ->
            new ApplyResource(
                desired, expectedVersion, context(), "alice", "req-1", false, replyTo));
  }

  @Test
  void createsThenUpdatesWithBeforeAndAfterInEvents() {
    var created = apply(tenant("Payments", Map.of()), 0);
    assertThat(created.reply().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(created.event()).isInstanceOf(ResourceEntity.ResourceCreated.class);
    assertThat(created.state().version()).isEqualTo(1);
    assertThat(created.state().createdBy()).isEqualTo("alice");
    assertThat(created.state().createTime()).isEqualTo(CLOCK.instant());

    var updated = apply(tenant("Payments EU", Map.of("env", "prod")), 1);
    assertThat(updated.reply().outcome()).isEqualTo(Outcome.UPDATED);
    var event = (ResourceEntity.ResourceUpdated) updated.event();
    assertThat(event.version()).isEqualTo(2);
    assertThat(event.before().specJson()).contains("Payments\"");
    assertThat(event.after().specJson()).contains("Payments EU");
    assertThat(event.principal()).isEqualTo("alice");
    assertThat(event.requestId()).isEqualTo("req-1");
  }

  @Test
  void aFailedJournalWriteRestartsTheEntityWithBackoffAndTheRetryIsAccepted() {
    kit.persistenceTestKit().failNextPersisted();
    // The write fails: no reply; the entity stops and restarts after the backoff (200 ms).
    assertThatThrownBy(() -> apply(tenant("Payments", Map.of()), 0))
        .isInstanceOf(AssertionError.class);
    var retried = apply(tenant("Payments", Map.of()), 0);
    assertThat(retried.reply().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(retried.state().version()).isEqualTo(1);
  }

  @Test
  void unchangedSpecCreatesNoNewVersion() {
    apply(tenant("Payments", Map.of("a", "1", "b", "2")), 0);
    var again = apply(tenant("Payments", Map.of("b", "2", "a", "1")), 0);
    assertThat(again.reply().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.state().version()).isEqualTo(1);
  }

  @Test
  void staleVersionIsRefusedNamingTheCurrentOne() {
    apply(tenant("v1", Map.of()), 0);
    apply(tenant("v2", Map.of()), 0);
    var stale = apply(tenant("v3", Map.of()), 1);
    assertThat(stale.reply().outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(stale.reply().problem().code()).isEqualTo(Problem.Code.CONFLICT);
    assertThat(stale.reply().problem().message()).contains("current version").contains("is 2");
    assertThat(stale.reply().problem().currentVersion()).isEqualTo(2);
    assertThat(stale.hasNoEvents()).isTrue();
  }

  @Test
  void invalidSpecIsRefusedWithFieldPath() {
    var bad =
        new ResourceSnapshot(
            "Tenant", FQN, new TreeMap<>(Map.of("bad key!", "x")), "", false, "{}");
    var result = apply(bad, 0);
    assertThat(result.reply().problem().code()).isEqualTo(Problem.Code.INVALID_ARGUMENT);
    assertThat(result.reply().problem().violations())
        .extracting(Problem.Violation::field)
        .containsExactly("metadata.labels.bad key!");
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void dryRunPersistsNothing() {
    var dry =
        kit.<ApplyReply>runCommand(
            replyTo ->
                new ApplyResource(tenant("x", Map.of()), 0, context(), "bob", "r", true, replyTo));
    assertThat(dry.reply().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(dry.hasNoEvents()).isTrue();
    assertThat(dry.state().exists()).isFalse();
  }

  @Test
  void deleteIsRefusedWhileChildrenAreRegisteredAndVersionsContinueAfterRecreate() {
    apply(tenant("Payments", Map.of()), 0);
    var child = FQN + "/workspaces/checkout";
    kit.<ChildReply>runCommand(r -> new RegisterChild(child, r));
    var refused = kit.<DeleteReply>runCommand(r -> new DeleteResource(0, false, "alice", "r2", r));
    assertThat(refused.reply().problem().children()).containsExactly(child);

    kit.<ChildReply>runCommand(r -> new ResourceEntity.UnregisterChild(child, r));
    var deleted = kit.<DeleteReply>runCommand(r -> new DeleteResource(0, false, "alice", "r3", r));
    assertThat(deleted.reply().problem()).isNull();
    assertThat(((ResourceEntity.ResourceDeleted) deleted.event()).version()).isEqualTo(2);
    assertThat(deleted.state().exists()).isFalse();

    var recreated = apply(tenant("Again", Map.of()), 0);
    assertThat(recreated.reply().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(recreated.state().version()).isEqualTo(3);
  }

  @Test
  void deletionProtectionNeedsForce() {
    var protectedTenant = new ResourceSnapshot("Tenant", FQN, new TreeMap<>(), "", true, "{}");
    apply(protectedTenant, 0);
    var refused = kit.<DeleteReply>runCommand(r -> new DeleteResource(0, false, "alice", "r", r));
    assertThat(refused.reply().problem().code()).isEqualTo(Problem.Code.FAILED_PRECONDITION);
    assertThat(refused.reply().problem().message()).contains("deletionProtection");
    var forced = kit.<DeleteReply>runCommand(r -> new DeleteResource(0, true, "alice", "r", r));
    assertThat(forced.reply().problem()).isNull();
  }

  @Test
  void stateSurvivesRestart() {
    apply(tenant("Payments", Map.of("env", "prod")), 0);
    apply(tenant("Payments 2", Map.of("env", "prod")), 0);
    kit.<ChildReply>runCommand(r -> new RegisterChild(FQN + "/workspaces/w", r));
    var restarted = kit.restart();
    assertThat(restarted.state().version()).isEqualTo(2);
    assertThat(restarted.state().current().specJson()).contains("Payments 2");
    assertThat(restarted.state().children()).containsExactly(FQN + "/workspaces/w");
  }

  @Test
  void tagSchemeIsFixed() {
    // Persisted tags are data: these values must never change without a migration.
    assertThat(ConfigTags.tagFor("organizations/acme")).isEqualTo("config-1");
    assertThat(ConfigTags.tagFor("organizations/acme/tenants/retail")).isEqualTo("config-3");
    assertThat(ConfigTags.SLICES).isEqualTo(4);
  }
}
