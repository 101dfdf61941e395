package dev.trestle.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metered journal in front of Pekko's test journal, whose writes can be made to fail or be
 * rejected: stored events and both kinds of failure are counted per entity type, and the persistent
 * actor still gets every reply.
 */
class MeteredJournalTest {
  private static ActorTestKit kit;
  private static PersistenceTestKit journal;
  private static MeterRegistry registry;

  record Store(String value, ActorRef<String> replyTo) {}

  /** A one-command entity that persists what it is told to store and replies once it is stored. */
  static final class Recorder extends EventSourcedBehavior<Store, String, Integer> {
    Recorder(String persistenceId) {
      super(PersistenceId.ofUniqueId(persistenceId));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Store, String, Integer> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Store.class,
              (s, c) -> Effect().persist(c.value()).thenRun(n -> c.replyTo().tell("stored " + n)))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
    }
  }

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                    """
                    pekko.persistence.journal.plugin = "trestle-metered-journal"
                    trestle-metered-journal {
                      class = "dev.trestle.observability.MeteredJournal"
                      target-plugin = "pekko.persistence.testkit.journal"
                    }
                    """)
                .withFallback(PersistenceTestKitPlugin.config())
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.load()));
    journal = PersistenceTestKit.create(kit.system());
    registry = NodeMetrics.get(kit.system()).registry();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void storedEventsAreCountedByEntityTypeAndTheirRepliesArrive() {
    TestProbe<String> probe = kit.createTestProbe();
    ActorRef<Store> resource = kit.spawn(new Recorder("config-resource|organizations/acme"));
    ActorRef<Store> cluster = kit.spawn(new Recorder("edge-cluster|organizations/acme/clusters/a"));
    double resources = count("trestle.events.persisted", "entity_type", "resource");
    double clusters = count("trestle.events.persisted", "entity_type", "cluster");

    resource.tell(new Store("one", probe.ref()));
    probe.expectMessage("stored 1");
    resource.tell(new Store("two", probe.ref()));
    probe.expectMessage("stored 2");
    cluster.tell(new Store("heartbeat", probe.ref()));
    probe.expectMessage("stored 1");

    assertThat(count("trestle.events.persisted", "entity_type", "resource"))
        .isEqualTo(resources + 2);
    assertThat(count("trestle.events.persisted", "entity_type", "cluster")).isEqualTo(clusters + 1);
    journal.expectNextPersisted("config-resource|organizations/acme", "one");
    journal.expectNextPersisted("config-resource|organizations/acme", "two");
  }

  @Test
  void failedAndRejectedWritesAreCountedAndNotAsStored() {
    TestProbe<String> probe = kit.createTestProbe();
    String failing = "role|operators";
    String rejecting = "principal|users/alice";
    double stored = count("trestle.events.persisted", "entity_type", "iam");

    // One write policy at a time in the test journal: fail, then reject.
    journal.failNextPersisted(failing);
    kit.spawn(new Recorder(failing)).tell(new Store("x", probe.ref()));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        count(
                            "trestle.journal.write.failures",
                            "entity_type",
                            "iam",
                            "reason",
                            "failed"))
                    .isEqualTo(1));
    journal.rejectNextPersisted(rejecting);
    kit.spawn(new Recorder(rejecting)).tell(new Store("y", probe.ref()));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        count(
                            "trestle.journal.write.failures",
                            "entity_type",
                            "iam",
                            "reason",
                            "rejected"))
                    .isEqualTo(1));
    probe.expectNoMessage(Duration.ofMillis(200));
    assertThat(count("trestle.events.persisted", "entity_type", "iam")).isEqualTo(stored);
  }

  @Test
  void persistenceIdsMapToBoundedEntityTypes() {
    assertThat(JournalMeters.entityType("config-resource|organizations/acme"))
        .isEqualTo("resource");
    assertThat(JournalMeters.entityType("edge-cluster|organizations/acme/clusters/a"))
        .isEqualTo("cluster");
    assertThat(JournalMeters.entityType("access-policy|organizations/acme")).isEqualTo("iam");
    assertThat(JournalMeters.entityType("role|admin")).isEqualTo("iam");
    assertThat(JournalMeters.entityType("principal|users/admin")).isEqualTo("iam");
    assertThat(JournalMeters.entityType("something-else|x")).isEqualTo("other");
    assertThat(JournalMeters.entityType("no-separator")).isEqualTo("other");
  }
}
