package dev.trestle.edgesync;

import dev.trestle.clusters.Placements;
import dev.trestle.desiredstate.CommittedDeltas;
import dev.trestle.desiredstate.DesiredStateStore;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The desired-state read model as edge sessions and status queries see it. A delta the projection
 * of this node just committed is served from memory ({@link CommittedDeltas}); any other is read.
 */
public final class DesiredStateReadModel implements DesiredStateSource, Placements {
  private final DesiredStateStore store;
  private final CommittedDeltas committed;

  public DesiredStateReadModel(DesiredStateStore store) {
    this(store, new CommittedDeltas());
  }

  public DesiredStateReadModel(DesiredStateStore store, CommittedDeltas committed) {
    this.store = store;
    this.committed = committed;
  }

  @Override
  public CompletionStage<Current> current(String cluster) {
    return store.current(cluster).thenApply(v -> new Current(v.version(), v.setHash()));
  }

  @Override
  public CompletionStage<DesiredSnapshot> snapshot(String cluster) {
    return store.snapshot(cluster);
  }

  @Override
  public CompletionStage<Optional<DesiredDelta>> delta(String cluster, long fromVersion) {
    Optional<DesiredDelta> handedOver = committed.from(cluster, fromVersion);
    return handedOver.isPresent()
        ? CompletableFuture.completedFuture(handedOver)
        : store.delta(cluster, fromVersion);
  }

  @Override
  public CompletionStage<List<Placement>> placements(String fqnOrPrefix) {
    return store
        .placements(fqnOrPrefix)
        .thenApply(
            rows ->
                rows.stream()
                    .map(
                        p ->
                            new Placement(
                                p.cluster(), p.fqn(), p.resourceVersion(), p.clusterVersion()))
                    .toList());
  }

  @Override
  public CompletionStage<List<dev.trestle.protocol.v1.CatalogService>> services(
      List<String> clusterFqns, String namespace) {
    return store.services(clusterFqns, namespace);
  }

  @Override
  public CompletionStage<Long> desiredVersion(String cluster) {
    return store.current(cluster).thenApply(v -> v.version());
  }
}
