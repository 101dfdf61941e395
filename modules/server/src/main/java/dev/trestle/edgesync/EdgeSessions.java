package dev.trestle.edgesync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The edge sessions on this node by cluster, so that desired-state changes reach them. A session
 * removes itself when it stops; a newer session of the same cluster replaces the entry.
 */
public final class EdgeSessions {
  private record Entry(String sessionId, ActorRef<EdgeSession.Message> ref) {}

  private final Map<String, Entry> byCluster = new ConcurrentHashMap<>();

  void register(String cluster, String sessionId, ActorRef<EdgeSession.Message> ref) {
    byCluster.put(cluster, new Entry(sessionId, ref));
  }

  void unregister(String cluster, String sessionId) {
    byCluster.computeIfPresent(cluster, (k, e) -> e.sessionId().equals(sessionId) ? null : e);
  }

  /** Tells the cluster's session (if it has one here) that a newer version is committed. */
  public void desiredChanged(String cluster, long version) {
    Entry e = byCluster.get(cluster);
    if (e != null) {
      e.ref().tell(new EdgeSession.DesiredChanged(version));
    }
  }

  /** Asks every session to re-read its cluster's current version (missed notifications). */
  public void recheckAll() {
    byCluster.values().forEach(e -> e.ref().tell(EdgeSession.Recheck.INSTANCE));
  }

  /** Ends every session's stream (at shutdown: edges need not wait for a timeout). */
  public void closeAll() {
    byCluster.values().forEach(e -> e.ref().tell(EdgeSession.CentralStopping.INSTANCE));
  }

  public int size() {
    return byCluster.size();
  }
}
