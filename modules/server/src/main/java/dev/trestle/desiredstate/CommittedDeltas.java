package dev.trestle.desiredstate;

import dev.trestle.protocol.v1.DesiredDelta;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last committed delta of each cluster, handed over in memory by the desired-state projection
 * of this node right after its transaction committed (before the change is announced), so that the
 * edge sessions of an edge one version behind, which is every connected edge after a change, send
 * it without reading the read model: at 1,000 clusters one change otherwise costs 1,000 delta
 * reads. Holds only committed versions; a cluster's entry is replaced by its next version and
 * dropped when the cluster is deleted. Sessions on other nodes, and edges further behind, read the
 * read model as before ({@link DesiredStateStore#delta}). At most one delta per cluster, no bigger
 * than the state the projection already keeps in memory for that cluster.
 */
public final class CommittedDeltas {
  private final Map<String, DesiredDelta> latest = new ConcurrentHashMap<>();

  /**
   * The committed delta of {@code cluster} that starts at {@code fromVersion}, when it is the one
   * kept.
   */
  public Optional<DesiredDelta> from(String cluster, long fromVersion) {
    DesiredDelta d = latest.get(cluster);
    return d != null && d.getFromVersion() == fromVersion ? Optional.of(d) : Optional.empty();
  }

  /**
   * Called only after the delta's transaction committed; versions of one cluster arrive in order.
   */
  void committed(String cluster, DesiredDelta delta) {
    latest.merge(cluster, delta, (old, now) -> now.getVersion() > old.getVersion() ? now : old);
  }

  void forget(String cluster) {
    latest.remove(cluster);
  }

  int size() {
    return latest.size();
  }
}
