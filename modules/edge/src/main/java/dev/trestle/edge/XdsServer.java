package dev.trestle.edge;

import dev.trestle.xds.XdsSnapshot;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge's xDS server: java-control-plane's ADS ({@code V3DiscoveryServer}) over a {@code
 * SimpleCache} holding one snapshot for every node (Envoy or proxyless gRPC), replaced whenever the
 * applied desired state or the local inventory changes. Each resource type carries the hash of its
 * own resources as its version, so a change to endpoints pushes endpoints only. A response a client
 * NACKed is not sent to it again until the snapshot changes ({@link NackHoldingCache}); NACKs that
 * still stand are kept in {@link XdsNacks}.
 */
public final class XdsServer implements AutoCloseable {
  /** Every node gets the same snapshot: the cluster's view of the mesh. */
  static final String GROUP = "trestle-edge";

  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final Server server;
  private final XdsNacks nacks = new XdsNacks(Clock.systemUTC());
  private volatile XdsSnapshot current;

  private XdsServer(String host, int port) throws IOException {
    var discovery = new V3DiscoveryServer(nacks, new NackHoldingCache(cache));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .addService(discovery.getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
  }

  /**
   * Starts serving on {@code host:port} ({@code 0} = any free port); nothing is served until {@link
   * #publish}.
   */
  public static XdsServer start(String host, int port) throws IOException {
    return new XdsServer(host, port);
  }

  public int port() {
    return server.getPort();
  }

  /**
   * Serves {@code snapshot} from now on; false when it is the one served already (same version).
   */
  public synchronized boolean publish(XdsSnapshot snapshot) {
    if (current != null && current.version().equals(snapshot.version())) {
      return false;
    }
    cache.setSnapshot(
        GROUP,
        Snapshot.create(
            snapshot.clusters(), XdsSnapshot.versionOf(snapshot.clusters()),
            snapshot.endpoints(), XdsSnapshot.versionOf(snapshot.endpoints()),
            snapshot.listeners(), XdsSnapshot.versionOf(snapshot.listeners()),
            snapshot.routes(), XdsSnapshot.versionOf(snapshot.routes()),
            List.of(), "empty"));
    current = snapshot;
    return true;
  }

  /** The snapshot served, or null before the first {@link #publish}. */
  public XdsSnapshot current() {
    return current;
  }

  /** Discovery requests received since start (ACKs, NACKs and subscriptions). */
  public long requests() {
    return nacks.requests();
  }

  public long streams() {
    return nacks.streams();
  }

  /** NACKs received since start. */
  public long nacks() {
    return nacks.count();
  }

  /** The last NACK received, or null. */
  public XdsNacks.Nack lastNack() {
    return nacks.last();
  }

  /** NACKs not (yet) followed by an ACK of the same type on the same stream. */
  public List<XdsNacks.Nack> standingNacks() {
    return nacks.standing();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
