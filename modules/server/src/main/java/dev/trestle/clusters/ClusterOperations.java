package dev.trestle.clusters;

import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.core.Problem;
import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.core.TokenLifetime;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.SyncState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.Patterns;

/**
 * Cluster onboarding and status, as the API offers them: names resolved to Cluster resources,
 * permissions checked (READ to see a cluster or a status, SET_POLICY on the cluster to mint or
 * revoke its join tokens), then the cluster entities asked.
 */
public final class ClusterOperations {
  public static final Duration MAX_WAIT = Duration.ofMinutes(10);
  private static final Duration WAIT_POLL = Duration.ofMillis(100);

  /** A cluster for listing: its resource, its entity state and its desired version. */
  public record ClusterView(String fqn, ClusterState state, long desiredVersion) {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ResourceService resources;
  private final Guard guard;
  private final Placements placements;
  private final Duration askTimeout;
  private final Clock clock;
  private final RefusalLog refusals;
  private final ReadableClusters readable;

  public ClusterOperations(
      ActorSystem<?> system,
      ResourceService resources,
      Guard guard,
      Placements placements,
      Duration askTimeout,
      Clock clock,
      RefusalLog refusals) {
    this.refusals = refusals;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.resources = resources;
    this.guard = guard;
    this.placements = placements;
    this.askTimeout = askTimeout;
    this.clock = clock;
    this.readable = new ReadableClusters(resources, guard);
  }

  /**
   * Starts sharding of cluster entities. They are never passivated: an entity runs its own
   * heartbeat deadline, which must keep running while the cluster is silent. They are remembered:
   * when their shard moves (rebalance, or its node died) the new home starts them at once, so a
   * silent cluster's deadline keeps running without waiting for its next heartbeat.
   *
   * <p>The remembered set lives in distributed data, replicated in memory across the nodes, not in
   * the journal: with the journal store every shard first replays its entity list through the
   * recovery permits the entities themselves need, and on a restart of central the shards timed out
   * and restarted, silently dropping the edges' first Connects (benchmarks.md, recovery). When
   * every node stops, the set is gone with them; {@code ClusterRegistry} then wakes every known
   * cluster at start-up, which is what the remembered set would have done.
   */
  public static void initSharding(ActorSystem<?> system, ClusterSettings settings, Clock clock) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ClusterEntity.TYPE_KEY,
                    ctx -> ClusterEntity.create(ctx.getEntityId(), settings, clock))
                .withSettings(
                    ClusterShardingSettings.create(system)
                        .withNoPassivationStrategy()
                        .withRememberEntities(true)
                        .withRememberEntitiesStoreMode(
                            ClusterShardingSettings.rememberEntitiesStoreModeDdata())));
  }

  public CompletionStage<List<ClusterView>> list(Caller caller) {
    return list(caller, 0, "").thenApply(Page::items);
  }

  /** One cluster as {@link #list} shows it; refused as a Get of its resource would be. */
  public CompletionStage<Page> one(String fqn, Caller caller) {
    return resolveFqn(fqn, caller)
        .thenCompose(this::view)
        .thenApply(v -> new Page(List.of(v), "", 1));
  }

  private CompletionStage<ClusterView> view(String fqn) {
    return state(fqn)
        .thenCombine(placements.desiredVersion(fqn), (s, v) -> new ClusterView(fqn, s, v));
  }

  /** One page of {@link #list}: the clusters, the next page's token ("" when last), the total. */
  public record Page(List<ClusterView> items, String nextPageToken, int total) {}

  /** The most clusters one page holds. */
  public static final int MAX_PAGE_SIZE = 1000;

  /**
   * The clusters the caller may READ, by FQN, a page at a time ({@code pageSize} 0: all). Which
   * clusters the caller may read is answered per organization where its bindings there or at the
   * root suffice ({@link ReadableClusters}); only the page's clusters are asked whether they exist
   * and for their state, so a first page of 100 costs 100 asks, not one per cluster. The page is
   * filled lazily past registrations whose create is still in flight. The token carries the last
   * FQN returned, so clusters added or removed meanwhile shift no page; the total counts the
   * registered clusters the caller may read.
   */
  public CompletionStage<Page> list(Caller caller, int pageSize, String pageToken) {
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      return invalid("pageSize", "must be 0 (all) to " + MAX_PAGE_SIZE + ", got " + pageSize);
    }
    Optional<String> after;
    try {
      after = ClusterPageToken.decode(pageToken);
    } catch (IllegalArgumentException e) {
      return invalid("pageToken", e.getMessage());
    }
    return readable
        .all(caller)
        .thenCompose(
            all -> {
              int from = after.map(a -> firstAfter(all, a)).orElse(0);
              int size = pageSize == 0 ? all.size() : pageSize;
              return fill(all, from, size, new ArrayList<>())
                  .thenCompose(
                      filled -> {
                        List<String> fqns = filled.rows();
                        String next =
                            fqns.size() == size && filled.end() < all.size()
                                ? ClusterPageToken.encode(fqns.get(fqns.size() - 1))
                                : "";
                        List<CompletableFuture<ClusterView>> views = new ArrayList<>();
                        for (String fqn : fqns) {
                          views.add(view(fqn).toCompletableFuture());
                        }
                        return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
                            .thenApply(
                                x ->
                                    new Page(
                                        views.stream().map(CompletableFuture::join).toList(),
                                        next,
                                        all.size()));
                      });
            });
  }

  /** The page's rows so far and the index of the first candidate not yet looked at. */
  private record Filled(List<String> rows, int end) {}

  /** Takes existing clusters from {@code all[from..]} until {@code size} rows or the end. */
  private CompletionStage<Filled> fill(List<String> all, int from, int size, List<String> rows) {
    int to = Math.min(all.size(), from + (size - rows.size()));
    if (rows.size() >= size || from >= to) {
      return CompletableFuture.completedFuture(new Filled(rows, from));
    }
    return readable
        .existing(all.subList(from, to))
        .thenCompose(
            found -> {
              rows.addAll(found);
              return fill(all, to, size, rows);
            });
  }

  /** The index of the first FQN after {@code fqn} in the sorted {@code all}. */
  private static int firstAfter(List<String> all, String fqn) {
    int i = Collections.binarySearch(all, fqn);
    return i >= 0 ? i + 1 : -i - 1;
  }

  /**
   * The service catalog over the clusters the caller may READ (the ones {@link #list} shows);
   * {@code namespace} empty for all.
   */
  public CompletionStage<List<dev.trestle.protocol.v1.CatalogService>> services(
      String namespace, Caller caller) {
    return readable.all(caller).thenCompose(fqns -> placements.services(fqns, namespace));
  }

  /**
   * @param ttl how long the token may first be presented; null = no expiry
   * @param singleUse valid for the first admitted connect only (a bootstrap token)
   */
  public CompletionStage<ClusterEntity.TokenIssued> issueToken(
      String cluster, boolean rotate, Duration ttl, boolean singleUse, Caller caller) {
    var badTtl = TokenLifetime.check(ttl);
    if (badTtl.isPresent()) {
      return CompletableFuture.failedFuture(new ProblemException(badTtl.get()));
    }
    return resolve(cluster, caller)
        .thenCompose(
            fqn ->
                askAsPolicyAdmin(
                    caller,
                    fqn,
                    (ActorRef<ClusterEntity.TokenIssued> replyTo) ->
                        new ClusterEntity.IssueToken(
                            caller.principal(),
                            caller.requestId(),
                            rotate,
                            ttl,
                            singleUse,
                            replyTo)));
  }

  public CompletionStage<RevokedTokens> revokeTokens(
      String cluster, String tokenId, Caller caller) {
    return resolve(cluster, caller)
        .thenCompose(
            fqn ->
                askAsPolicyAdmin(
                        caller,
                        fqn,
                        (ActorRef<ClusterEntity.TokensRevoked> replyTo) ->
                            new ClusterEntity.RevokeTokens(
                                tokenId, caller.principal(), caller.requestId(), replyTo))
                    .thenApply(
                        r -> {
                          if (!tokenId.isEmpty() && r.revokedTokenIds().isEmpty()) {
                            throw new ProblemException(
                                Problem.of(
                                    Problem.Code.NOT_FOUND,
                                    fqn,
                                    "cluster " + fqn + " has no join token " + tokenId));
                          }
                          return new RevokedTokens(fqn, r.revokedTokenIds());
                        }));
  }

  public record RevokedTokens(String cluster, List<String> tokenIds) {}

  /**
   * Asks the cluster's entity on behalf of a caller who passed {@link #requireAudited} (UPDATE).
   */
  private <R> CompletionStage<R> askAsPolicyAdmin(
      Caller caller, String fqn, Function<ActorRef<R>, ClusterEntity.Command> command) {
    return requireAudited(caller, "UPDATE", fqn)
        .thenCompose(x -> entity(fqn).ask(command::apply, askTimeout));
  }

  /** SET_POLICY on the cluster; a refusal is written to the audit log like any denied write. */
  private CompletionStage<Void> requireAudited(Caller caller, String operation, String fqn) {
    return guard
        .require(caller.principal(), Perm.SET_POLICY, Fqn.parse(fqn))
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                refusals.refused(
                    caller, operation, Kind.CLUSTER.kindName(), fqn, Problem.of(error, fqn));
              }
            });
  }

  /** An edge refused at the door: audited as a refused EDGE_CONNECT of the cluster. */
  public void edgeRefused(String cluster, Problem problem) {
    refusals.refused(
        new Caller("edge:" + cluster, ""),
        "EDGE_CONNECT",
        Kind.CLUSTER.kindName(),
        cluster,
        problem);
  }

  public CompletionStage<ResourceStatus> status(String fqn, Caller caller) {
    return resources.get(fqn, caller).thenCompose(view -> status(fqn, view.version()));
  }

  private CompletionStage<ResourceStatus> status(String fqn, long version) {
    return placements
        .placements(fqn)
        .thenCompose(
            rows -> {
              var clusters = new TreeSet<String>();
              rows.forEach(r -> clusters.add(r.cluster()));
              Map<String, CompletableFuture<ClusterState>> states = new HashMap<>();
              clusters.forEach(c -> states.put(c, state(c).toCompletableFuture()));
              return CompletableFuture.allOf(states.values().toArray(CompletableFuture[]::new))
                  .thenApply(
                      x -> {
                        Map<String, ClusterState> known = new HashMap<>();
                        states.forEach((k, v) -> known.put(k, v.join()));
                        return ResourceSyncStatus.of(fqn, version, rows, known);
                      });
            });
  }

  /**
   * Polls the status until the resource is applied everywhere it is placed, has failed somewhere,
   * or {@code timeout} passed; answers with the last status either way.
   */
  public CompletionStage<ResourceStatus> waitForApplied(
      String fqn, Duration timeout, Caller caller) {
    if (timeout.isNegative() || timeout.compareTo(MAX_WAIT) > 0) {
      return CompletableFuture.failedFuture(
          new ProblemException(
              Problem.of(
                  Problem.Code.INVALID_ARGUMENT,
                  fqn,
                  "timeout must be between 0 and " + MAX_WAIT.toMinutes() + " minutes")));
    }
    Instant deadline = clock.instant().plus(timeout);
    return poll(fqn, deadline, caller);
  }

  private CompletionStage<ResourceStatus> poll(String fqn, Instant deadline, Caller caller) {
    return resources
        .get(fqn, caller)
        .thenCompose(view -> status(fqn, view.version()))
        .thenCompose(
            status -> {
              boolean settled =
                  status.getState() == SyncState.SYNC_APPLIED
                      || status.getState() == SyncState.SYNC_FAILED;
              if (settled || !clock.instant().isBefore(deadline)) {
                return CompletableFuture.completedFuture(status);
              }
              return Patterns.after(
                  WAIT_POLL,
                  system.classicSystem().scheduler(),
                  system.executionContext(),
                  () -> poll(fqn, deadline, caller));
            });
  }

  public CompletionStage<ClusterState> state(String fqn) {
    return entity(fqn).ask(ClusterEntity.GetState::new, askTimeout);
  }

  /** Starts the entity of every cluster known to the journal, so their health deadlines run. */
  public CompletionStage<Integer> wakeAll(List<String> clusterFqns) {
    List<CompletableFuture<ClusterEntity.Accepted>> all = new ArrayList<>();
    for (String fqn : clusterFqns) {
      all.add(
          entity(fqn)
              .<ClusterEntity.Accepted>ask(ClusterEntity.Wake::new, askTimeout)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(x -> all.size());
  }

  /** A cluster FQN from a full FQN or a bare name (unique among the clusters the caller sees). */
  public CompletionStage<String> resolve(String cluster, Caller caller) {
    String text = cluster == null ? "" : cluster.strip();
    if (text.isEmpty()) {
      return invalid("cluster", "is required (a name or organizations/ORG/clusters/NAME)");
    }
    if (text.contains("/")) {
      return resolveFqn(text, caller);
    }
    return readable
        .all(caller)
        .thenCompose(
            fqns ->
                readable.existing(
                    fqns.stream().filter(f -> Fqn.parse(f).name().equals(text)).toList()))
        .thenApply(
            matches -> {
              if (matches.isEmpty()) {
                throw new ProblemException(
                    Problem.of(
                        Problem.Code.NOT_FOUND,
                        "",
                        "no cluster named '" + text + "' (that you may see)"));
              }
              if (matches.size() > 1) {
                throw new ProblemException(
                    Problem.of(
                        Problem.Code.INVALID_ARGUMENT,
                        "",
                        "cluster name '" + text + "' is ambiguous: " + matches + "; give the FQN"));
              }
              return matches.get(0);
            });
  }

  /** {@code text} as a Cluster FQN the caller may READ (a Get of the resource decides). */
  private CompletionStage<String> resolveFqn(String text, Caller caller) {
    Fqn fqn;
    try {
      fqn = Fqn.parse(text);
    } catch (IllegalArgumentException e) {
      return invalid("cluster", "'" + text + "' is not an FQN: " + e.getMessage());
    }
    if (fqn.kind().orElse(null) != Kind.CLUSTER) {
      return invalid(
          "cluster", "'" + text + "' is not a Cluster (organizations/ORG/clusters/NAME)");
    }
    return resources.get(fqn.toString(), caller).thenApply(v -> fqn.toString());
  }

  private EntityRef<ClusterEntity.Command> entity(String fqn) {
    return sharding.entityRefFor(ClusterEntity.TYPE_KEY, fqn);
  }

  private static <T> CompletionStage<T> invalid(String field, String message) {
    return CompletableFuture.failedFuture(
        new ProblemException(Problem.invalidField(field, message)));
  }
}
