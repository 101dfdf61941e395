package dev.trestle.edge;

import dev.trestle.xds.GatewayTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the agent is configured with, read once from the command line.
 *
 * @param cluster the cluster's name or FQN, as central knows it
 * @param centrals the edge-sync addresses of central's nodes, tried in turn: the agent moves to the
 *     next one when its stream breaks (9081 by default)
 * @param tokenFile the join token's file; read again on every connect, never logged
 * @param inventoryFile the inventory YAML, if any
 * @param outDir where YAML files go (directory target)
 * @param stateDir where the last good state is kept
 * @param kube apply to Kubernetes instead of the out dir
 * @param transport plaintext or TLS options
 * @param statusPort the loopback status endpoint's port: empty = off, 0 = any free port
 * @param initialBackoff first reconnect delay bound
 * @param maxBackoff reconnect delay cap
 * @param stableAfter a session that lasted this long after Welcome resets the backoff
 * @param agentVersion sent in Hello
 * @param xdsHost the address the xDS server binds (loopback by default)
 * @param xdsPort the xDS server's port: empty = off, 0 = any free port (written to {@code
 *     xds.port})
 * @param xdsRefresh how often the inventory file is checked for changes that move xDS endpoints
 * @param xdsBestEffort the port is the default one, not asked for: if it is taken, run without xDS
 *     (WARN) instead of failing to start
 * @param xdsGatewayTls proxyless clients reach other clusters' gateways over TLS with this
 *     certificate provider instance of their bootstrap (docs/xds.md); empty = plaintext
 */
public record EdgeSettings(
    String cluster,
    List<CentralAddress> centrals,
    Path tokenFile,
    Optional<Path> inventoryFile,
    Path outDir,
    Path stateDir,
    boolean kube,
    EdgeTransport transport,
    Optional<Integer> statusPort,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration stableAfter,
    String agentVersion,
    String xdsHost,
    Optional<Integer> xdsPort,
    Duration xdsRefresh,
    boolean xdsBestEffort,
    Optional<GatewayTls> xdsGatewayTls) {

  public static final int DEFAULT_XDS_PORT = 18000;
  public static final String DEFAULT_XDS_HOST = "127.0.0.1";
  public static final Duration DEFAULT_XDS_REFRESH = Duration.ofSeconds(1);

  public EdgeSettings {
    centrals = List.copyOf(centrals);
    if (centrals.isEmpty()) {
      throw new IllegalArgumentException("at least one central address is needed");
    }
  }

  /** Without an xDS server. */
  public EdgeSettings(
      String cluster,
      List<CentralAddress> centrals,
      Path tokenFile,
      Optional<Path> inventoryFile,
      Path outDir,
      Path stateDir,
      boolean kube,
      EdgeTransport transport,
      Optional<Integer> statusPort,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration stableAfter,
      String agentVersion) {
    this(
        cluster,
        centrals,
        tokenFile,
        inventoryFile,
        outDir,
        stateDir,
        kube,
        transport,
        statusPort,
        initialBackoff,
        maxBackoff,
        stableAfter,
        agentVersion,
        DEFAULT_XDS_HOST,
        Optional.empty(),
        DEFAULT_XDS_REFRESH,
        false,
        Optional.empty());
  }

  /** One central address, without an xDS server. */
  public EdgeSettings(
      String cluster,
      String centralHost,
      int centralPort,
      Path tokenFile,
      Optional<Path> inventoryFile,
      Path outDir,
      Path stateDir,
      boolean kube,
      EdgeTransport transport,
      Optional<Integer> statusPort,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration stableAfter,
      String agentVersion) {
    this(
        cluster,
        List.of(new CentralAddress(centralHost, centralPort)),
        tokenFile,
        inventoryFile,
        outDir,
        stateDir,
        kube,
        transport,
        statusPort,
        initialBackoff,
        maxBackoff,
        stableAfter,
        agentVersion);
  }

  /** The same settings with the xDS server on {@code host:port} (0 = any free port). */
  public EdgeSettings withXds(String host, int port, Duration refresh) {
    return withXds(host, port, refresh, false);
  }

  /**
   * As {@link #withXds(String, int, Duration)}; best effort: a taken port means no xDS, not a
   * failed start.
   */
  public EdgeSettings withXds(String host, int port, Duration refresh, boolean bestEffort) {
    return new EdgeSettings(
        cluster,
        centrals,
        tokenFile,
        inventoryFile,
        outDir,
        stateDir,
        kube,
        transport,
        statusPort,
        initialBackoff,
        maxBackoff,
        stableAfter,
        agentVersion,
        host,
        Optional.of(port),
        refresh,
        bestEffort,
        xdsGatewayTls);
  }

  /** The same settings with TLS to remote gateways for proxyless clients. */
  public EdgeSettings withXdsGatewayTls(GatewayTls tls) {
    return new EdgeSettings(
        cluster,
        centrals,
        tokenFile,
        inventoryFile,
        outDir,
        stateDir,
        kube,
        transport,
        statusPort,
        initialBackoff,
        maxBackoff,
        stableAfter,
        agentVersion,
        xdsHost,
        xdsPort,
        xdsRefresh,
        xdsBestEffort,
        Optional.of(tls));
  }

  public static final int DEFAULT_CENTRAL_PORT = 9081;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STABLE_AFTER = Duration.ofSeconds(5);

  /** The last segment of the cluster name ("organizations/acme/clusters/c1" -> "c1"). */
  public static String shortName(String cluster) {
    int slash = cluster.lastIndexOf('/');
    return slash < 0 ? cluster : cluster.substring(slash + 1);
  }

  /** The first central address's host. */
  public String centralHost() {
    return centrals.get(0).host();
  }

  /** The first central address's port. */
  public int centralPort() {
    return centrals.get(0).port();
  }

  /** Every central address, as given: {@code a:9081,b:9081}. */
  public String central() {
    return String.join(",", centrals.stream().map(CentralAddress::toString).toList());
  }
}
