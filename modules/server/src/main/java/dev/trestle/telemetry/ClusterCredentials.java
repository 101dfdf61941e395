package dev.trestle.telemetry;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.clusters.ClusterIdentity;
import dev.trestle.clusters.ClusterResources;
import dev.trestle.clusters.ClusterState;
import dev.trestle.clusters.EdgeSuppliedText;
import dev.trestle.clusters.JoinTokens;
import dev.trestle.core.TokenFormat;
import dev.trestle.core.TokenKind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Checks a telemetry report's credentials the way the sync stream does: the join token names its
 * cluster, must be one the cluster's entity holds (same id, same secret hash), and the cluster the
 * edge claims ({@code x-trestle-cluster}, and the report's own {@code cluster}) must be that one,
 * and so must the client certificate with mutual TLS (ClusterIdentity.certificateRefusal). A
 * verified token is trusted for {@code credential-cache-ttl} without asking the entity again, so a
 * report every 30 s per cluster costs no entity round trip; a revoked token stops working within
 * that time.
 */
final class ClusterCredentials {
  /** Why a report's credentials were not accepted; a message for the edge. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private record Verified(String cluster, String tokenId, String secretSha256) {}

  private static final int MAX_CACHED = 100_000;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Map<Verified, Long> verifiedAt = new ConcurrentHashMap<>();

  ClusterCredentials(ActorSystem<?> system, Duration askTimeout, Duration ttl) {
    this(ClusterSharding.get(system), askTimeout, ttl, System::nanoTime);
  }

  ClusterCredentials(
      ClusterSharding sharding, Duration askTimeout, Duration ttl, LongSupplier nanoTime) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * The FQN of the cluster the credentials speak for; fails with {@link Refused} when the token is
   * not a join token, names another cluster than claimed, or is unknown or revoked.
   */
  CompletionStage<String> verify(
      Optional<String> claimedCluster,
      Optional<String> authorization,
      String reportCluster,
      Optional<String> certificateNames) {
    String header = authorization.orElse("").strip();
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refused("send the cluster's join token as 'authorization: Bearer TOKEN'");
    }
    Optional<TokenKind.Presented> presented = JoinTokens.parse(header.substring(7));
    if (presented.isEmpty()) {
      return refused("not a join token: mint one with `trestle cluster token CLUSTER`");
    }
    var token = presented.get();
    String cluster = token.subject();
    String claimed = claimedCluster.orElse("").strip();
    if (claimed.isEmpty()) {
      return refused("the x-trestle-cluster header is required");
    }
    if (!ClusterIdentity.names(cluster, claimed)) {
      return refused(JoinTokens.belongsToAnother(cluster, claimed));
    }
    if (!reportCluster.isBlank() && !ClusterIdentity.names(cluster, reportCluster.strip())) {
      return refused(
          "the report is for '"
              + EdgeSuppliedText.printable(reportCluster)
              + "' but the credentials are "
              + cluster);
    }
    Optional<String> wrongCertificate =
        ClusterIdentity.certificateRefusal(cluster, certificateNames);
    if (wrongCertificate.isPresent()) {
      return refused(wrongCertificate.get());
    }
    var key = new Verified(cluster, token.tokenId(), token.secretSha256());
    Long at = verifiedAt.get(key);
    long now = nanoTime.getAsLong();
    if (at != null && now - at < ttlNanos) {
      return CompletableFuture.completedFuture(cluster);
    }
    // The Cluster resource first, as the sync stream does: a forged token naming a cluster that
    // does not exist must not start (and have sharding remember) a cluster entity.
    return ClusterResources.exists(sharding, cluster, askTimeout)
        .thenCompose(
            exists -> {
              if (!exists) {
                throw new Refused("cluster " + cluster + " does not exist");
              }
              return sharding
                  .entityRefFor(ClusterEntity.TYPE_KEY, cluster)
                  .<ClusterState>ask(ClusterEntity.GetState::new, askTimeout);
            })
        .thenApply(
            state -> {
              ClusterState.JoinToken held = state.tokens().get(token.tokenId());
              if (held == null
                  || !TokenFormat.sameHash(held.secretSha256(), token.secretSha256())) {
                verifiedAt.remove(key);
                throw new Refused(
                    "unknown or revoked join token " + token.tokenId() + " of " + cluster);
              }
              if (verifiedAt.size() >= MAX_CACHED) {
                verifiedAt.clear();
              }
              verifiedAt.put(key, nanoTime.getAsLong());
              return cluster;
            });
  }

  private static <T> CompletionStage<T> refused(String message) {
    return CompletableFuture.failedFuture(new Refused(message));
  }
}
