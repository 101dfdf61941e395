package dev.trestle.edge;

import dev.trestle.xds.XdsSnapshot;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's xDS server: java-control-plane's ADS ({@code V3DiscoveryServer}) over a {@code
 * SimpleCache} holding one snapshot for every node (Envoy or proxyless gRPC), replaced whenever the
 * applied desired state or the local inventory changes. Each resource type carries the hash of its
 * own resources as its version, so a change to endpoints pushes endpoints only.
 */
public final class XdsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);

  /** Every node gets the same snapshot: the cluster's view of the mesh. */
  static final String GROUP = "trestle-edge";

  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final Server server;
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong nacks = new AtomicLong();
  private volatile XdsSnapshot current;
  private volatile String lastNack;

  private XdsServer(String host, int port) throws IOException {
    var discovery = new V3DiscoveryServer(new Callbacks(), cache);
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
    return requests.get();
  }

  public long streams() {
    return streams.get();
  }

  public long nacks() {
    return nacks.get();
  }

  public String lastNack() {
    return lastNack;
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

  private final class Callbacks implements DiscoveryServerCallbacks {
    @Override
    public void onStreamOpen(long streamId, String typeUrl) {
      streams.incrementAndGet();
    }

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
      requests.incrementAndGet();
      if (request.hasErrorDetail()) {
        nacks.incrementAndGet();
        String why =
            request.getNode().getId()
                + " NACKed "
                + request.getTypeUrl()
                + " (keeping version "
                + request.getVersionInfo()
                + "): "
                + DesiredStateApplier.oneLine(request.getErrorDetail().getMessage());
        if (!why.equals(lastNack)) {
          lastNack = why;
          LOG.warn("xDS client {}", why);
        }
      }
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
      requests.incrementAndGet();
    }
  }
}
