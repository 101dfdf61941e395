package dev.trestle.clusters;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Where resource versions were placed: read from the desired-state read model. */
public interface Placements {
  /** {@code clusterVersion}: the cluster's desired-state version that first carried it. */
  record Placement(String cluster, String fqn, long resourceVersion, long clusterVersion) {}

  /** Placements of the resource with this FQN and of everything below it. */
  CompletionStage<List<Placement>> placements(String fqnOrPrefix);

  /** The service catalog over these clusters; {@code namespace} empty for all. */
  CompletionStage<List<dev.trestle.protocol.v1.CatalogService>> services(
      List<String> clusterFqns, String namespace);

  /** The cluster's current desired-state version (0 when unknown). */
  CompletionStage<Long> desiredVersion(String cluster);
}
