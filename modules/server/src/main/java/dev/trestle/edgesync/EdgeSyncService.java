package dev.trestle.edgesync;

import dev.trestle.clusters.ClusterEntity;
import dev.trestle.clusters.ClusterIdentity;
import dev.trestle.clusters.ClusterResources;
import dev.trestle.clusters.EdgeSuppliedText;
import dev.trestle.clusters.JoinTokens;
import dev.trestle.core.Problem;
import dev.trestle.protocol.v1.CentralMessage;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.EdgeSyncPowerApi;
import dev.trestle.protocol.v1.Hello;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.javadsl.Metadata;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.StreamSubscriptionTimeoutTerminationMode;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge port's one RPC. The first message must be Hello with a join token; the token names its
 * cluster, so a token of one cluster can never speak for another. Everything after admission is the
 * {@link EdgeSession}'s job.
 */
public final class EdgeSyncService implements EdgeSyncPowerApi {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeSyncService.class);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final SessionServices services;
  private final Duration askTimeout;
  private final EdgeMetrics metrics;
  private final EdgeSessions sessions;
  private final EdgeRefusals refusals;

  public EdgeSyncService(ActorSystem<?> system, SessionServices services) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.services = services;
    this.askTimeout = services.askTimeout();
    this.metrics = services.metrics();
    this.sessions = services.sessions();
    this.refusals = services.refusals();
  }

  @Override
  public Source<CentralMessage, NotUsed> sync(Source<EdgeMessage, NotUsed> in, Metadata metadata) {
    // The rest of the stream is subscribed once the cluster's resource has answered and the
    // session is made; that can take longer than Pekko's 5 s subscription timeout right after a
    // restart, which failed the stream of every edge that connected then.
    return in.prefixAndTail(1)
        .withAttributes(
            ActorAttributes.streamSubscriptionTimeout(
                askTimeout.plusSeconds(5), StreamSubscriptionTimeoutTerminationMode.cancel()))
        .flatMapConcat(
            (Pair<List<EdgeMessage>, Source<EdgeMessage, NotUsed>> pair) -> {
              if (pair.first().isEmpty()) {
                return Source.<CentralMessage>empty();
              }
              EdgeMessage first = pair.first().get(0);
              if (!first.hasHello()) {
                return Source.<CentralMessage>failed(
                    refuse(
                        Status.INVALID_ARGUMENT,
                        "the first message on the edge stream must be Hello"));
              }
              return Source.completionStageSource(
                      admit(
                          first.getHello(),
                          metadata.getText(EdgeClientCertificates.NAMES_HEADER),
                          pair.second()))
                  .mapMaterializedValue(m -> NotUsed.getInstance());
            });
  }

  private CompletionStage<Source<CentralMessage, NotUsed>> admit(
      Hello hello, Optional<String> certificateNames, Source<EdgeMessage, NotUsed> rest) {
    var presented = JoinTokens.parse(hello.getToken());
    if (presented.isEmpty()) {
      metrics.refused();
      LOG.warn(
          "edge refused: cluster '{}' presented no valid join token",
          EdgeSuppliedText.printable(hello.getCluster()));
      return CompletableFuture.failedFuture(
          refuse(
              Status.UNAUTHENTICATED,
              "not a join token: mint one with `trestle cluster token CLUSTER`"));
    }
    String cluster = presented.get().subject();
    String claimed = hello.getCluster().strip();
    if (!claimed.isEmpty() && !ClusterIdentity.names(cluster, claimed)) {
      metrics.refused();
      LOG.warn(
          "edge refused: a token of {} presented for cluster '{}'",
          cluster,
          EdgeSuppliedText.printable(claimed));
      String message = JoinTokens.belongsToAnother(cluster, claimed);
      refusals.refused(cluster, Problem.of(Problem.Code.PERMISSION_DENIED, cluster, message));
      return CompletableFuture.failedFuture(refuse(Status.PERMISSION_DENIED, message));
    }
    Optional<String> wrongCertificate =
        ClusterIdentity.certificateRefusal(cluster, certificateNames);
    if (wrongCertificate.isPresent()) {
      metrics.refused();
      LOG.warn("edge refused: {}", wrongCertificate.get());
      refusals.refused(
          cluster, Problem.of(Problem.Code.PERMISSION_DENIED, cluster, wrongCertificate.get()));
      return CompletableFuture.failedFuture(
          refuse(Status.PERMISSION_DENIED, wrongCertificate.get()));
    }
    return ClusterResources.exists(sharding, cluster, askTimeout)
        .thenCompose(
            exists -> {
              if (!exists) {
                metrics.refused();
                refusals.refused(
                    cluster,
                    Problem.of(
                        Problem.Code.NOT_FOUND,
                        cluster,
                        "edge refused: cluster " + cluster + " does not exist"));
                throw refuse(Status.NOT_FOUND, "cluster " + cluster + " does not exist");
              }
              var toEdge = new CompletableFuture<Source<CentralMessage, NotUsed>>();
              String sessionId = UUID.randomUUID().toString();
              var setup =
                  new EdgeSession.Setup(
                      cluster,
                      sessionId,
                      presented.get().tokenId(),
                      presented.get().secretSha256(),
                      hello,
                      rest,
                      toEdge,
                      sharding.entityRefFor(ClusterEntity.TYPE_KEY, cluster),
                      services);
              var session =
                  system.systemActorOf(
                      EdgeSession.create(setup), "edge-session-" + sessionId, Props.empty());
              sessions.register(cluster, sessionId, session);
              return toEdge.whenComplete(
                  (ok, error) -> {
                    if (error == null) {
                      LOG.info(
                          "edge of {} connected (session {}, agent {}, has version {})",
                          cluster,
                          sessionId,
                          EdgeSuppliedText.printable(hello.getAgentVersion()),
                          hello.getLastAppliedVersion());
                    } else {
                      LOG.warn("edge of {} refused: {}", cluster, error.getMessage());
                    }
                  });
            });
  }

  private static GrpcServiceException refuse(Status status, String description) {
    return new GrpcServiceException(status.withDescription(description));
  }
}
