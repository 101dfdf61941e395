package dev.trestle.telemetry;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.telemetry.FailoverSettings.Verdict;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Failover by telemetry (docs/telemetry.md): every {@code interval}, the 5xx ratio of each service
 * in each cluster over the last {@code window} is judged ({@link FailoverSettings#judge}); a
 * service that crosses {@code error-ratio} is told to its cluster entity as failing, one back at or
 * below {@code recover-ratio} as healthy. The entity journals the change (audited as
 * SERVICE_HEALTH) and the desired-state projection withdraws or restores that cluster's endpoint
 * for the service in every other cluster. Too few requests (no telemetry) change nothing.
 *
 * <p>A service's traffic is its cluster's own report of it: series reported by cluster C whose
 * destination is a service without a cluster label or labelled C (the destination proxy's view).
 * Only verdicts that differ from what this node last told are sent, so a steady mesh costs no
 * entity round trips; the entity ignores a verdict it already holds (several central nodes may tell
 * it).
 */
public final class TelemetryFailover implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TelemetryFailover.class);
  private static final int MAX_REMEMBERED = 200_000;

  /** Tells a cluster entity a verdict; completes when it was taken. */
  interface Entities {
    CompletionStage<?> tell(
        String clusterFqn,
        String service,
        boolean failing,
        double ratio,
        long requests,
        String why);
  }

  private final TelemetryStore store;
  private final FailoverSettings settings;
  private final Entities entities;
  private final Clock clock;
  // (cluster FQN, service) -> the verdict the entity last took from this node
  private final Map<String, Boolean> told = new ConcurrentHashMap<>();

  TelemetryFailover(
      TelemetryStore store, FailoverSettings settings, Entities entities, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.entities = entities;
    this.clock = clock;
  }

  /** Schedules the evaluation when {@code trestle.telemetry.failover.enabled}; else nothing. */
  public static void start(
      ActorSystem<?> system,
      DataSource dataSource,
      FailoverSettings settings,
      Duration askTimeout,
      ExecutionContextExecutor blocking,
      Clock clock) {
    if (!settings.enabled()) {
      return;
    }
    var sharding = ClusterSharding.get(system);
    Entities entities =
        (cluster, service, failing, ratio, requests, why) ->
            sharding
                .entityRefFor(ClusterEntity.TYPE_KEY, cluster)
                .<ClusterEntity.Accepted>ask(
                    replyTo ->
                        new ClusterEntity.SetServiceFailing(
                            service, failing, ratio, requests, why, replyTo),
                    askTimeout);
    var failover = new TelemetryFailover(new TelemetryStore(dataSource), settings, entities, clock);
    system
        .scheduler()
        .scheduleWithFixedDelay(settings.interval(), settings.interval(), failover, blocking);
  }

  @Override
  public void run() {
    try {
      evaluate();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("telemetry failover evaluation failed: {}", e.toString());
    }
  }

  /** One evaluation: the verdicts sent (for tests). */
  int evaluate() throws SQLException {
    long now = clock.instant().getEpochSecond();
    long toS = Math.floorDiv(now, 60) * 60 + 60;
    long fromS = Math.floorDiv(now - settings.window().toSeconds(), 60) * 60 + 60;
    var totals = new TreeMap<String, TrafficSum>();
    for (String org : store.organizations()) {
      for (var row : store.sums(org, fromS, toS, toS - fromS, false, "", ScopeNarrowing.NONE)) {
        SeriesKey key = row.key();
        Endpoint dst = Endpoint.destination(key);
        if (dst.kind() != Endpoint.Kind.SERVICE
            || !(key.dstCluster().isEmpty() || key.dstCluster().equals(key.cluster()))) {
          continue;
        }
        String id =
            "organizations/"
                + org
                + "/clusters/"
                + key.cluster()
                + " "
                + dst.namespace()
                + "/"
                + dst.name();
        totals.computeIfAbsent(id, k -> new TrafficSum()).add(key, row.counters());
      }
    }
    if (told.size() > MAX_REMEMBERED) {
      told.clear(); // only costs a round of repeated verdicts, which the entities ignore
    }
    int sent = 0;
    for (var e : totals.entrySet()) {
      TrafficSum t = e.getValue();
      Verdict verdict = settings.judge(t.requests, t.errors5xx);
      if (verdict == Verdict.KEEP) {
        continue;
      }
      boolean failing = verdict == Verdict.FAILING;
      String id = e.getKey();
      if (Boolean.valueOf(failing).equals(told.get(id))) {
        continue;
      }
      int space = id.indexOf(' ');
      String why = reason(t, failing);
      sent++;
      entities
          .tell(
              id.substring(0, space),
              id.substring(space + 1),
              failing,
              t.errorRatio(),
              t.requests,
              why)
          .whenComplete(
              (ok, failure) -> {
                if (failure == null) {
                  told.put(id, failing);
                } else {
                  LOG.warn("telemetry failover: could not tell {}: {}", id, failure.toString());
                }
              });
    }
    return sent;
  }

  private String reason(TrafficSum t, boolean failing) {
    return String.format(
        Locale.ROOT,
        "5xx ratio %.3f over %d requests in the last %ds, %s %.3f",
        t.errorRatio(),
        t.requests,
        settings.window().toSeconds(),
        failing ? "threshold" : "recovers at or below",
        failing ? settings.errorRatio() : settings.recoverRatio());
  }
}
