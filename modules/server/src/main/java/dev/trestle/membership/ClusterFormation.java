package dev.trestle.membership;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node a member of the central cluster: alone (no seed nodes: it joins itself, the
 * single-node default), through the configured seed nodes, or through pekko-management cluster
 * bootstrap with Kubernetes API discovery. Joining runs in the background; {@link #awaitUp} waits
 * for this node to be Up, which sharding (and so every entity ask) needs.
 */
public final class ClusterFormation {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFormation.class);

  private final MembershipSettings settings;
  private final CompletableFuture<Done> up = new CompletableFuture<>();

  private ClusterFormation(MembershipSettings settings) {
    this.settings = settings;
  }

  /** Starts joining as the settings say; returns at once. */
  public static ClusterFormation start(ActorSystem<?> system, MembershipSettings settings) {
    var formation = new ClusterFormation(settings);
    org.apache.pekko.cluster.Cluster.get(system.classicSystem())
        .registerOnMemberUp(() -> formation.up.complete(Done.getInstance()));
    Cluster cluster = Cluster.get(system);
    switch (settings.discovery()) {
      case SEED_NODES -> {
        if (settings.seedNodes().isEmpty()) {
          cluster.manager().tell(Join.create(cluster.selfMember().address()));
        } else {
          List<Address> seeds =
              settings.seedNodes().stream()
                  .map(s -> AddressFromURIString.parse(s.pekkoAddress()))
                  .toList();
          LOG.info(
              "node {} joining the central cluster through seed nodes {}",
              cluster.selfMember().address(),
              settings.seedNodes());
          cluster.manager().tell(new JoinSeedNodes(seeds));
        }
      }
      case KUBERNETES -> {
        LOG.info(
            "node {} forming the central cluster by Kubernetes API discovery (cluster bootstrap)",
            cluster.selfMember().address());
        try {
          ClusterBootstrap.get(system.classicSystem()).start();
        } catch (Exception e) { // Scala code throws checked IOExceptions unannounced
          // Typically no service account mounted: not in a pod, or automountServiceAccountToken
          // off.
          throw new IllegalArgumentException(
              "trestle.cluster.discovery = kubernetes: cannot set up Kubernetes API discovery ("
                  + e
                  + "); run inside a pod with its service account mounted",
              e);
        }
      }
    }
    return formation;
  }

  /** Completes when this node is Up in the cluster. */
  public CompletionStage<Done> up() {
    return up;
  }

  /**
   * Waits until this node is Up; after {@code timeout} fails with what it tried, so a node that
   * cannot reach any seed (or find its peers) stops with a reason instead of serving errors.
   */
  public void awaitUp(Duration timeout) throws InterruptedException {
    try {
      up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "did not join the central cluster within "
              + timeout.toSeconds()
              + " s ("
              + describe()
              + ")");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not join the central cluster: " + e.getCause(), e.getCause());
    }
  }

  private String describe() {
    return switch (settings.discovery()) {
      case SEED_NODES ->
          "seed nodes "
              + settings.seedNodes()
              + ": start the first seed node, check trestle.cluster.host/port and that every node"
              + " lists the same seed nodes";
      case KUBERNETES ->
          "Kubernetes API discovery of pods labelled app.kubernetes.io/name=trestle-central:"
              + " check the pods' RBAC (get/list/watch pods), their labels and the management port";
    };
  }
}
