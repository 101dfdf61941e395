package dev.trestle.edge;

import dev.trestle.clusters.Placements;
import dev.trestle.desiredstate.DesiredStateStore;
import dev.trestle.protocol.v1.DesiredDelta;
import dev.trestle.protocol.v1.DesiredSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The desired-state read model as edge sessions and status queries see it. */
public final class DesiredStateReadModel implements DesiredStateSource, Placements {
  private final DesiredStateStore store;

  public DesiredStateReadModel(DesiredStateStore store) {
    this.store = store;
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
    return store.delta(cluster, fromVersion);
  }

  @Override
  public CompletionStage<List<Placement>> placements(String fqnOrPrefix) {
    return store.placements(fqnOrPrefix).thenApply(rows -> rows.stream()
        .map(p -> new Placement(p.cluster(), p.fqn(), p.resourceVersion(), p.clusterVersion()))
        .toList());
  }

  @Override
  public CompletionStage<List<dev.trestle.protocol.v1.CatalogService>> services(List<String> clusterFqns, String namespace) {
    return store.services(clusterFqns, namespace);
  }

  @Override
  public CompletionStage<Long> desiredVersion(String cluster) {
    return store.current(cluster).thenApply(v -> v.version());
  }
}
