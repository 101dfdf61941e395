package dev.trestle.rollouts;

import dev.trestle.protocol.Durations;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.RevisionRolloutSpec;
import dev.trestle.telemetry.TrafficQueries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every revision rollout (docs/upgrades.md): one runner in the Pekko cluster (a sharded
 * daemon process, so it moves when its node goes), which every {@code interval} reads the rollouts
 * and their clusters' namespace labels from the desired-state read model, asks the telemetry for a
 * verdict when a stage's pause is over, and ticks each rollout's {@link RevisionRolloutEntity},
 * which decides. A round never overlaps the previous one.
 */
public final class RevisionRolloutRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RevisionRolloutRunner.class);
  private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  private final ClusterSharding sharding;
  private final Supplier<CompletionStage<RolloutInputs>> store;
  private final Optional<TrafficQueries> telemetry;
  private final Duration askTimeout;
  private final Clock clock;

  RevisionRolloutRunner(
      ClusterSharding sharding,
      Supplier<CompletionStage<RolloutInputs>> store,
      Optional<TrafficQueries> telemetry,
      Duration askTimeout,
      Clock clock) {
    this.sharding = sharding;
    this.store = store;
    this.telemetry = telemetry;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  public static void initSharding(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                RevisionRolloutEntity.TYPE_KEY,
                ctx -> RevisionRolloutEntity.create(ctx.getEntityId())));
  }

  /** Starts the one runner of the cluster. */
  public static void start(
      ActorSystem<?> system,
      Supplier<CompletionStage<RolloutInputs>> store,
      Optional<TrafficQueries> telemetry,
      Duration askTimeout,
      Duration interval,
      Clock clock) {
    var runner =
        new RevisionRolloutRunner(ClusterSharding.get(system), store, telemetry, askTimeout, clock);
    ShardedDaemonProcess.get(system)
        .init(
            Round.class,
            "revision-rollouts",
            1,
            i -> runner.behavior(interval),
            ShardedDaemonProcessSettings.create(system),
            Optional.empty());
  }

  /** The runner's messages: its timer's tick and the end of a round. */
  public enum Round {
    TICK,
    DONE
  }

  private Behavior<Round> behavior(Duration interval) {
    return Behaviors.withTimers(
        timers -> {
          timers.startTimerWithFixedDelay(Round.TICK, interval);
          boolean[] running = {false};
          return Behaviors.setup(
              ctx ->
                  Behaviors.receive(Round.class)
                      .onMessageEquals(
                          Round.TICK,
                          () -> {
                            if (!running[0]) {
                              running[0] = true;
                              ctx.pipeToSelf(round(), (ok, error) -> Round.DONE);
                            }
                            return Behaviors.same();
                          })
                      .onMessageEquals(
                          Round.DONE,
                          () -> {
                            running[0] = false;
                            return Behaviors.same();
                          })
                      .build());
        });
  }

  /** One round over every rollout. */
  CompletionStage<Void> round() {
    return store
        .get()
        .thenCompose(
            inputs -> {
              var steps = new ArrayList<CompletableFuture<?>>();
              for (Resource r : inputs.rollouts()) {
                steps.add(step(r, inputs).toCompletableFuture());
              }
              return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
            })
        .exceptionally(
            e -> {
              LOG.warn("revision rollout round failed: {}", e.toString());
              return null;
            });
  }

  /** Ticks one rollout, with a verdict when its running stage is due one. */
  CompletionStage<RevisionRolloutEntity.Progress> step(Resource rollout, RolloutInputs inputs) {
    String fqn = rollout.getMetadata().getFqn();
    RevisionRolloutSpec spec = rollout.getRevisionRollout();
    String org = Fqn.parse(fqn).nameOf(Kind.ORGANIZATION).orElse("");
    var labels = new TreeMap<String, Map<String, String>>();
    inputs
        .labels()
        .getOrDefault(org, Map.of())
        .forEach(
            (cluster, byNamespace) -> {
              if (RolloutPlan.coversCluster(spec, cluster)) {
                labels.put(cluster, byNamespace);
              }
            });
    var entity = sharding.entityRefFor(RevisionRolloutEntity.TYPE_KEY, fqn);
    Instant now = clock.instant();
    boolean verify = spec.hasVerification();
    return entity
        .<RevisionRolloutEntity.Progress>ask(RevisionRolloutEntity.GetProgress::new, askTimeout)
        .thenCompose(
            progress ->
                verify && progress.verificationDue(now)
                    ? verdict(org, spec, progress, now)
                    : CompletableFuture.completedFuture(null))
        .thenCompose(
            verdict ->
                entity.ask(
                    reply ->
                        new RevisionRolloutEntity.Tick(
                            rollout.getMetadata().getVersion(),
                            spec.getFromRevision(),
                            spec.getToRevision(),
                            spec.getRestartWorkloads(),
                            verify,
                            RolloutPlan.of(spec, labels),
                            labels,
                            verdict,
                            now,
                            reply),
                    askTimeout));
  }

  private CompletionStage<Verdict> verdict(
      String org, RevisionRolloutSpec spec, RevisionRolloutEntity.Progress progress, Instant now) {
    if (telemetry.isEmpty()) {
      return CompletableFuture.completedFuture(Verdict.noData("telemetry is not available"));
    }
    var namespaces = new TreeSet<String>();
    progress
        .state()
        .current()
        .targets()
        .forEach(t -> namespaces.add(t.cluster() + "/" + t.namespace()));
    String text = spec.getVerification().getWindow();
    Duration window = Durations.parse(text).orElse(DEFAULT_WINDOW);
    return telemetry
        .get()
        .namespaceTraffic(org, namespaces, now.minus(window), now)
        .thenApply(
            t -> RolloutVerifier.verdict(spec.getVerification(), t, text.isEmpty() ? "5m" : text));
  }
}
