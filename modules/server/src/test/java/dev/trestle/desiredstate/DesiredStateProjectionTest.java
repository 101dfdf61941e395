package dev.trestle.desiredstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.clusters.ClusterEvent;
import dev.trestle.clusters.ClusterTags;
import dev.trestle.clusters.InventorySnapshot;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestCentral;
import dev.trestle.testing.TestStorage;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The desired-state projection as Central runs it: resources applied through the management API
 * (real ResourceEntity events in the H2 journal), an inventory journaled with the cluster tags, the
 * sharded daemon reading the "desired-state" tag, the store reading what it wrote.
 */
@ExtendWith(StorageSelection.class)
class DesiredStateProjectionTest {
  private static final String EU_A = "organizations/acme/clusters/eu-west-1a";
  private static final String EU_B = "organizations/acme/clusters/eu-west-1b";
  private static TestCentral central;
  private static ManagedChannel channel;
  private static ManagementServiceGrpc.ManagementServiceBlockingStub stub;

  @BeforeAll
  static void start(TestStorage storage) throws Exception {
    central = TestCentral.start(storage);
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    stub = ManagementServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  /** Journals cluster events with the tags ClusterEntity gives them (a stand-in for it). */
  static final class InventoryRecorder
      extends EventSourcedBehavior<InventoryRecorder.Record, ClusterEvent, String> {
    record Record(ClusterEvent event, ActorRef<Done> replyTo) {}

    InventoryRecorder(String cluster) {
      super(PersistenceId.of("test-inventory", cluster));
    }

    @Override
    public String emptyState() {
      return "";
    }

    @Override
    public CommandHandler<Record, ClusterEvent, String> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Record.class,
              (s, r) -> Effect().persist(r.event()).thenReply(r.replyTo(), x -> Done.getInstance()))
          .build();
    }

    @Override
    public EventHandler<String, ClusterEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s);
    }

    @Override
    public Set<String> tagsFor(ClusterEvent event) {
      return ClusterTags.tagsFor(event);
    }
  }

  private static void reportInventory(String cluster, String... namespaces) throws Exception {
    var system = central.central().system();
    ActorRef<InventoryRecorder.Record> recorder =
        system.systemActorOf(
            new InventoryRecorder(cluster),
            "inventory-" + System.nanoTime(),
            org.apache.pekko.actor.typed.Props.empty());
    AskPattern.<InventoryRecorder.Record, Done>ask(
            recorder,
            replyTo ->
                new InventoryRecorder.Record(
                    new ClusterEvent.InventoryChanged(
                        cluster, new InventorySnapshot(List.of(namespaces), "{}"), Instant.now()),
                    replyTo),
            Duration.ofSeconds(10),
            system.scheduler())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static List<Resource> examples() throws Exception {
    var out = new ArrayList<Resource>();
    try (Stream<Path> files = Files.list(Path.of("../../examples/acme"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        ResourceDocuments.parse(Files.readString(f))
            .forEach(
                d -> {
                  assertThat(d.error()).as("document parses").isNull();
                  out.add(d.resource());
                });
      }
    }
    return out;
  }

  private static long version(String cluster) throws Exception {
    return central
        .central()
        .desiredState()
        .current(cluster)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .version();
  }

  @Test
  void appliedExamplesReachAClusterOnceItsEdgeReportsNamespaces() throws Exception {
    var system = central.central().system();
    TestProbe<DesiredStateChanged> published = TestProbe.create(system);
    system
        .eventStream()
        .tell(new EventStream.Subscribe<>(DesiredStateChanged.class, published.ref()));

    var response = stub.apply(ApplyRequest.newBuilder().addAllResources(examples()).build());
    assertThat(response.getResultsList())
        .extracting(r -> r.getOutcome())
        .containsOnly(ApplyOutcome.CREATED);

    // The namespaces of the translator's golden file for eu-west-1a (63 objects there).
    reportInventory(
        EU_A,
        "checkout",
        "default",
        "finance-reporting",
        "inventory",
        "istio-system",
        "kube-system",
        "ledger",
        "monitoring",
        "payments-egress",
        "payments-ingress",
        "storefront",
        "storefront-ingress");
    published.expectMessage(Duration.ofSeconds(30), new DesiredStateChanged(EU_A, 1));
    var snapshot =
        central
            .central()
            .desiredState()
            .snapshot(EU_A)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(snapshot.getVersion()).isEqualTo(1);
    assertThat(snapshot.getObjectsCount()).isEqualTo(63);
    assertThat(snapshot.getObjectsList())
        .extracting(DesiredObject::getSourceFqn)
        .allMatch(f -> f.startsWith("organizations/acme/"));
    assertThat(version(EU_B)).isZero(); // known, but no inventory yet

    // Changing one route moves eu-west-1a on by exactly one version.
    Resource route =
        examples().stream()
            .filter(r -> r.getKind().equals("ServiceRoute"))
            .findFirst()
            .orElseThrow();
    Resource changed =
        route.toBuilder()
            .setMetadata(route.getMetadata().toBuilder().setDescription("changed"))
            .build();
    var placementsBefore =
        central
            .central()
            .desiredState()
            .placements("organizations/acme")
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(placementsBefore)
        .isNotEmpty()
        .allMatch(p -> p.cluster().equals(EU_A) && p.clusterVersion() == 1);
    stub.apply(ApplyRequest.newBuilder().addResources(changed).build());
    // Description only: the route's version changes, so do its objects' source-version annotations.
    await().atMost(Duration.ofSeconds(30)).until(() -> version(EU_A) >= 2);
    assertThat(version(EU_A)).isEqualTo(2);
    published.expectMessage(Duration.ofSeconds(5), new DesiredStateChanged(EU_A, 2));
  }
}
