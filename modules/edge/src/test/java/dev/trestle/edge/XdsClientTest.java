package dev.trestle.edge;

import static dev.trestle.edge.TestObjects.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.EdgeMessage.MessageCase;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.ClusterView;
import dev.trestle.translator.ConfigSnapshot;
import dev.trestle.translator.IstioTranslator;
import dev.trestle.translator.MeshCatalog;
import dev.trestle.translator.MeshCatalog.Reachability;
import dev.trestle.xds.GatewayTls;
import dev.trestle.xds.XdsSnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real proxyless gRPC clients (grpc-java's own xDS support, {@code xds:///} targets) against the
 * edge agent's xDS server, with real backends on 127.0.0.1 and the scripted central sending the
 * desired state. The bootstrap (inline JSON, system property) names one fixed xDS port that every
 * agent in this class binds, so a restarted agent is found again.
 */
class XdsClientTest {
  private static final Logger LOG = LoggerFactory.getLogger(XdsClientTest.class);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("trestle.test.Who/Name")
          .setRequestMarshaller(new StringMarshaller())
          .setResponseMarshaller(new StringMarshaller())
          .build();
  private static int xdsPort;

  /** The bootstrap's certificate provider instance (file_watcher) for gateway TLS. */
  private static final String PROVIDER = "trestle-test";

  private static TestCertificates certs;

  @TempDir Path dir;
  private ScriptedCentral central;
  private final List<EdgeAgent> agents = new ArrayList<>();
  private final List<Server> backends = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Path tokenFile;
  private Path inventoryFile;

  @BeforeAll
  static void bootstrap() throws IOException {
    try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      xdsPort = socket.getLocalPort();
    }
    // A client identity and a gateway certificate from one CA, for gateway TLS (the file_watcher
    // provider is only read when a Cluster names it).
    try {
      certs = TestCertificates.ca(Files.createTempDirectory("trestle-xds-tls-"));
      certs.issue("client", "CN=proxyless-client", "eku=clientAuth");
      certs.issue("gateway", "CN=eastwestgateway", "san=dns:localhost,ip:127.0.0.1");
    } catch (Exception e) {
      throw new IOException("cannot make test certificates: " + e.getMessage(), e);
    }
    System.setProperty(
        "io.grpc.xds.bootstrapConfig",
        """
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
                          "server_features": ["xds_v3"]}],
         "node": {"id": "xds-client-test", "cluster": "test",
                  "locality": {"region": "eu-west-1", "zone": "eu-west-1a"}},
         "certificate_providers": {"%s": {"plugin_name": "file_watcher", "config": {
             "certificate_file": "%s", "private_key_file": "%s", "ca_certificate_file": "%s",
             "refresh_interval": "600s"}}}}
        """
            .formatted(
                xdsPort,
                PROVIDER,
                certs.certificate("client"),
                certs.key("client"),
                certs.caPem()));
  }

  @BeforeEach
  void setUp() throws IOException {
    central = new ScriptedCentral().start();
    tokenFile = dir.resolve("c1.token");
    Files.writeString(tokenFile, "trst-token\n");
    inventoryFile = dir.resolve("inventory.yaml");
  }

  @AfterEach
  void tearDown() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    agents.forEach(EdgeAgent::close);
    central.close();
    for (Server s : backends) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // ---- the scenarios ----

  @Test
  void callsFailOverToTheRemoteClusterWhenTheLocalInstanceIsUnhealthyAndComeBack()
      throws Exception {
    int local = backend("local-c1");
    int remote = backend("remote-c2");
    Files.writeString(
        inventoryFile,
        inventory("who", "- {address: 127.0.0.1, port: %d, healthy: true}".formatted(local)));
    EdgeAgent agent = startAgent();
    ScriptedCentral.Stream s = awaitStream();
    s.send(snapshot(1, serviceEntry("who", remote, "us-east-1/us-east-1a", "c2")));
    awaitAck(s, 1);

    ManagedChannel channel = channel("who");
    awaitAnswer(channel, "local-c1");
    assertThat(calls(channel, 20)).containsOnlyKeys("local-c1");

    long t0 = System.nanoTime();
    Files.writeString(
        inventoryFile,
        inventory("who", "- {address: 127.0.0.1, port: %d, healthy: false}".formatted(local)));
    awaitAnswer(channel, "remote-c2");
    long failoverMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(calls(channel, 20)).containsOnlyKeys("remote-c2");

    t0 = System.nanoTime();
    Files.writeString(
        inventoryFile,
        inventory("who", "- {address: 127.0.0.1, port: %d, healthy: true}".formatted(local)));
    awaitAnswer(channel, "local-c1");
    long failbackMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(calls(channel, 20)).containsOnlyKeys("local-c1");
    LOG.info(
        "FIGURE failover to the remote cluster after {} ms, back to local after {} ms (inventory"
            + " refresh 100 ms)",
        failoverMillis,
        failbackMillis);
    assertThat(agent.xds().nacks()).isZero();
    var status =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(agent.status().toJson())
            .path("xds");
    assertThat(status.path("port").asInt()).isEqualTo(xdsPort);
    assertThat(status.path("version").asText()).isEqualTo(agent.xds().current().version());
    assertThat(status.path("streams").asLong()).isPositive();
    assertThat(status.path("nacks").asLong()).isZero();
  }

  /**
   * Issue 15, proxyless clients to remote gateways over TLS (gRFC A29): with gateway TLS on, the
   * edge serves the port as an aggregate of a plaintext cluster (local endpoints) and a TLS cluster
   * (the endpoints labelled {@code security.istio.io/tlsMode: istio}) whose UpstreamTlsContext
   * names the bootstrap's certificate provider and Istio's SNI. grpc-java's client
   * (XdsChannelCredentials) calls the local backend in plaintext, once it is unhealthy (but still
   * answering) the "gateway" over mutual TLS (the gateway requires the client's certificate from
   * the bootstrap's file_watcher provider), and the local backend again once it is healthy.
   *
   * <p>The SNI: grpc-java 1.85 reads {@code sni} from the UpstreamTlsContext, but Java's TLS stack
   * sends no server name with an underscore ({@code javax.net.ssl.SNIHostName} refuses non-LDH
   * names, and Netty's engines check with it before setting the SNI), so Istio's {@code
   * outbound_.50051_._.HOST} never leaves the client: the gateway sees none. Asserted here so that
   * a grpc-java or JDK that sends it fails this test and docs/xds.md gets updated.
   */
  @Test
  void withGatewayTlsARemoteGatewayIsCalledOverMutualTlsWhenTheLocalEndpointsFail()
      throws Exception {
    int local = backend("local-c1");
    int gateway = tlsGateway();
    Files.writeString(
        inventoryFile,
        inventory("sec", "- {address: 127.0.0.1, port: %d, healthy: true}".formatted(local)));
    EdgeAgent agent = startAgent(settings -> settings.withXdsGatewayTls(new GatewayTls(PROVIDER)));
    ScriptedCentral.Stream s = awaitStream();
    s.send(
        snapshot(1, serviceEntry("sec", true, new Remote(gateway, "us-east-1/us-east-1a", "c2"))));
    awaitAck(s, 1);
    String cluster = "outbound|50051||" + host("sec");
    await()
        .atMost(WAIT)
        .until(
            () ->
                agent.xds().current().clusters().stream()
                    .anyMatch(c -> c.getName().equals(cluster + "~mtls")));

    ManagedChannel channel =
        Grpc.newChannelBuilder(
                "xds:///" + host("sec") + ":50051",
                XdsChannelCredentials.create(InsecureChannelCredentials.create()))
            .build();
    channels.add(channel);
    awaitAnswer(channel, "local-c1");
    assertThat(calls(channel, 10)).containsOnlyKeys("local-c1");

    Files.writeString(
        inventoryFile,
        inventory("sec", "- {address: 127.0.0.1, port: %d, healthy: false}".formatted(local)));
    // "sni=" empty: see above; the client certificate is the bootstrap provider's.
    String overTls = "gateway sni= client=CN=proxyless-client";
    awaitAnswer(channel, overTls);
    assertThat(calls(channel, 10)).containsOnlyKeys(overTls);

    Files.writeString(
        inventoryFile,
        inventory("sec", "- {address: 127.0.0.1, port: %d, healthy: true}".formatted(local)));
    awaitAnswer(channel, "local-c1");
    assertThat(calls(channel, 10)).containsOnlyKeys("local-c1");
    assertThat(agent.xds().nacks()).isZero();
  }

  /**
   * Issue 15 point 11: a remote cluster's east-west gateway that accepts connections and fails
   * every call (no ready endpoint behind it, nobody told central yet) is ejected by the proxyless
   * client itself and calls move to the next cluster. grpc-java ignores consecutive-5xx (gRFC A50
   * has only success-rate and failure-percentage), so before the served Cluster carried
   * failure-percentage ejection every call kept going to the failing gateway.
   */
  @Test
  void aRemoteGatewayThatFailsEveryCallIsEjectedAndCallsMoveToTheNextCluster() throws Exception {
    int local = backend("eject-local");
    int failing = failingBackend();
    int next = backend("eject-remote-c3");
    Files.writeString(
        inventoryFile,
        inventory("eject", "- {address: 127.0.0.1, port: %d, healthy: false}".formatted(local)));
    EdgeAgent agent = startAgent();
    ScriptedCentral.Stream s = awaitStream();
    s.send(
        snapshot(
            1,
            serviceEntry(
                "eject",
                new Remote(failing, "eu-west-1/eu-west-1b", "c2"),
                new Remote(next, "us-east-1/us-east-1a", "c3")),
            failoverRule("eject")));
    awaitAck(s, 1);
    Cluster served =
        agent.xds().current().clusters().stream()
            .filter(c -> c.getName().equals("outbound|50051||" + host("eject")))
            .findFirst()
            .orElseThrow();
    assertThat(served.getOutlierDetection().getEnforcingFailurePercentage().getValue())
        .isEqualTo(100);

    ManagedChannel channel = channel("eject");
    long t0 = System.nanoTime();
    // c2 (same region) comes first and fails every call until the client ejects it
    awaitAnswer(channel, "eject-remote-c3");
    long ejectedMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(calls(channel, 20)).containsOnlyKeys("eject-remote-c3");
    LOG.info(
        "FIGURE failing gateway ejected, calls at the next cluster after {} ms", ejectedMillis);
    assertThat(agent.xds().nacks()).isZero();
  }

  @Test
  void aNackedResponseIsNotResentUntilTheSnapshotChangesAndTheNackShowsInStatus() throws Exception {
    int local = backend("nack-local");
    Files.writeString(
        inventoryFile, inventory("nack", "- {address: 127.0.0.1, port: %d}".formatted(local)));
    EdgeAgent agent = startAgent();
    ManagedChannel channel = channel("nack");
    awaitAnswer(channel, "nack-local");
    XdsSnapshot good = agent.xds().current();
    // grpc-java accepts ROUND_ROBIN, RING_HASH and LEAST_REQUEST only: it NACKs these clusters
    var rejectedClusters =
        good.clusters().stream()
            .map(c -> c.toBuilder().setLbPolicy(Cluster.LbPolicy.MAGLEV).build())
            .toList();
    XdsSnapshot bad =
        new XdsSnapshot(
            "bad-" + good.version(),
            good.listeners(),
            good.routes(),
            rejectedClusters,
            good.endpoints(),
            good.diagnostics());

    long nacksBefore = agent.xds().nacks();
    agent.xds().publish(bad);
    await().atMost(WAIT).until(() -> agent.xds().nacks() > nacksBefore);
    long requestsAtNack = agent.xds().requests();
    // without holding the NACK, the server resends at once and the client NACKs again: thousands
    // of requests a second
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    long nacks = agent.xds().nacks() - nacksBefore;
    long requests = agent.xds().requests() - requestsAtNack;
    LOG.info(
        "FIGURE {} NACK(s), {} further request(s) in 2 s after a rejected snapshot",
        nacks,
        requests);
    assertThat(nacks).isLessThanOrEqualTo(2);
    assertThat(requests).isLessThanOrEqualTo(2);

    var x = new ObjectMapper().readTree(agent.status().toJson()).path("xds");
    assertThat(x.path("lastNack").path("type").asText()).isEqualTo("Cluster");
    assertThat(x.path("lastNack").path("node").asText()).isEqualTo("xds-client-test");
    assertThat(x.path("lastNack").path("version").asText())
        .isEqualTo(XdsSnapshot.versionOf(rejectedClusters));
    assertThat(x.path("lastNack").path("error").asText()).contains("MAGLEV");
    assertThat(x.path("rejected")).hasSize(1);
    assertThat(call(channel)).isEqualTo("nack-local"); // the client keeps what it accepted
    // central hears of it with the heartbeats
    ScriptedCentral.Stream stream = awaitStream();
    await()
        .atMost(WAIT)
        .until(
            () ->
                stream.of(MessageCase.HEARTBEAT).stream()
                    .anyMatch(m -> m.getHeartbeat().getXdsRejectionsCount() == 1));
    var reported =
        stream.of(MessageCase.HEARTBEAT).stream()
            .filter(m -> m.getHeartbeat().getXdsRejectionsCount() == 1)
            .findFirst()
            .orElseThrow()
            .getHeartbeat()
            .getXdsRejections(0);
    assertThat(reported.getNode()).isEqualTo("xds-client-test");
    assertThat(reported.getTypeUrl()).endsWith(".Cluster");
    assertThat(reported.getVersion()).isEqualTo(XdsSnapshot.versionOf(rejectedClusters));
    assertThat(reported.getError()).contains("MAGLEV");

    // the next snapshot goes out and is accepted: the NACK no longer stands
    agent.xds().publish(good);
    await().atMost(WAIT).until(() -> agent.xds().standingNacks().isEmpty());
    assertThat(new ObjectMapper().readTree(agent.status().toJson()).path("xds").path("rejected"))
        .isEmpty();
    int beats = stream.of(MessageCase.HEARTBEAT).size();
    await().atMost(WAIT).until(() -> stream.of(MessageCase.HEARTBEAT).size() > beats + 1);
    assertThat(
            stream.of(MessageCase.HEARTBEAT).get(beats + 1).getHeartbeat().getXdsRejectionsCount())
        .isZero();
    assertThat(call(channel)).isEqualTo("nack-local");
  }

  @Test
  void weightedSubsetsFromAVirtualServiceShowInTheTrafficSplit() throws Exception {
    int v1 = backend("split-v1");
    int v2 = backend("split-v2");
    Files.writeString(
        inventoryFile,
        inventory(
            "split",
            """
            - {address: 127.0.0.1, port: %d, labels: {version: v1}}
                  - {address: 127.0.0.1, port: %d, labels: {version: v2}}\
            """
                .formatted(v1, v2)));
    EdgeAgent agent = startAgent();
    ScriptedCentral.Stream s = awaitStream();
    s.send(snapshot(1, destinationRule("split"), virtualService("split", 80, 20)));
    awaitAck(s, 1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                agent.xds().current() != null
                    && agent.xds().current().routes().stream()
                        .anyMatch(
                            r ->
                                r.getVirtualHosts(0)
                                    .getRoutes(0)
                                    .getRoute()
                                    .hasWeightedClusters()));

    ManagedChannel channel = channel("split");
    awaitAnswer(channel, "split-v1");
    int n = 200;
    TreeMap<String, Integer> seen = calls(channel, n);
    int hitsV1 = seen.getOrDefault("split-v1", 0);
    // binomial(200, 0.8): mean 160, sd 5.66; +-4.5 sd
    LOG.info("FIGURE traffic split over {} calls (VirtualService 80/20): {}", n, seen);
    assertThat(seen).containsOnlyKeys("split-v1", "split-v2");
    assertThat(hitsV1).isBetween(134, 186);
    assertThat(agent.xds().nacks()).isZero();
  }

  @Test
  void subsetRoutesFailOverToTheRemoteClusterWhenTheLocalPodsAreUnhealthy() throws Exception {
    // Issue 15 point 8: with an 80/20 ServiceRoute, the subset clusters held the local pods only,
    // so with those down every call failed ("priority policy has empty priority list").
    int v1 = backend("canary-v1");
    int v2 = backend("canary-v2");
    int remote = backend("canary-remote-c2");
    String pods =
        """
        - {address: 127.0.0.1, port: %d, labels: {version: v1}, healthy: %s}
              - {address: 127.0.0.1, port: %d, labels: {version: v2}, healthy: %s}\
        """;
    Files.writeString(inventoryFile, inventory("canary", pods.formatted(v1, true, v2, true)));
    EdgeAgent agent = startAgent();
    ScriptedCentral.Stream s = awaitStream();
    // What central publishes to c1: the translator's objects for an 80/20 ServiceRoute placed in
    // both clusters, with c2 running the service behind its gateway (here: its backend).
    s.send(snapshot(1, translatedCanary(remote).toArray(DesiredObject[]::new)));
    awaitAck(s, 1);

    ManagedChannel channel = channel("canary");
    awaitAnswer(channel, "canary-v1");
    assertThat(calls(channel, 50)).containsOnlyKeys("canary-v1", "canary-v2");

    Files.writeString(inventoryFile, inventory("canary", pods.formatted(v1, false, v2, false)));
    awaitAnswer(channel, "canary-remote-c2");
    // Both subsets now go to c2: every call answers (a failing subset would throw here).
    assertThat(calls(channel, 50)).containsOnlyKeys("canary-remote-c2");

    Files.writeString(inventoryFile, inventory("canary", pods.formatted(v1, true, v2, true)));
    awaitAnswer(channel, "canary-v1");
    assertThat(agent.xds().nacks()).isZero();
  }

  /** c1's desired objects for shop/canary (80/20 v1/v2) with c2 routable through {@code port}. */
  private static List<DesiredObject> translatedCanary(int remotePort) {
    String yaml =
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: org}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: t, organization: org}
        ---
        apiVersion: trestle.dev/v1
        kind: Cluster
        metadata: {name: c1, organization: org}
        spec: {network: net-1, locality: {region: eu-west-1, zone: eu-west-1a}}
        ---
        apiVersion: trestle.dev/v1
        kind: Cluster
        metadata: {name: c2, organization: org}
        spec: {network: net-2, locality: {region: us-east-1, zone: us-east-1a}}
        ---
        apiVersion: trestle.dev/v1
        kind: Workspace
        metadata: {name: shop, organization: org, tenant: t}
        spec: {namespaceSelectors: ["*/shop"]}
        ---
        apiVersion: trestle.dev/v1
        kind: Group
        metadata: {name: traffic, organization: org, tenant: t, workspace: shop}
        spec: {type: TRAFFIC}
        ---
        apiVersion: trestle.dev/v1
        kind: ServiceRoute
        metadata: {name: canary, organization: org, tenant: t, workspace: shop, group: traffic}
        spec:
          service: shop/canary
          subsets:
            - {name: v1, labels: {version: v1}, weight: 80}
            - {name: v2, labels: {version: v2}, weight: 20}
        """;
    var resources = new ArrayList<Resource>();
    for (ParsedDocument d : ResourceDocuments.parse(yaml)) {
      assertThat(d.error()).isNull();
      Resource r = d.resource();
      var meta =
          r.getMetadata().toBuilder()
              .setFqn(
                  Fqn.of(Kind.byKindName(r.getKind()).orElseThrow(), r.getMetadata()).toString())
              .setVersion(1);
      resources.add(r.toBuilder().setMetadata(meta).build());
    }
    ConfigSnapshot config = ConfigSnapshot.of(resources);
    var api =
        List.of(
            new MeshCatalog.Service(
                "shop", "canary", List.of(new MeshCatalog.Port("grpc", 50051, "GRPC")), 2, 2));
    var c1 =
        new MeshCatalog.Cluster(
            "c1",
            "net-1",
            "eu-west-1",
            "eu-west-1a",
            true,
            new MeshCatalog.Gateway("127.0.0.1", 1),
            api);
    var c2 =
        new MeshCatalog.Cluster(
            "c2",
            "net-2",
            "us-east-1",
            "us-east-1a",
            true,
            new MeshCatalog.Gateway("127.0.0.1", remotePort),
            api);
    ClusterView view =
        ClusterView.of(config.get("organizations/org/clusters/c1").orElseThrow(), List.of("shop"))
            .withServices(api);
    var remote = MeshCatalog.remoteServices(c1, view.namespaces(), List.of(c2), Reachability.ALL);
    var out = new ArrayList<DesiredObject>();
    for (var o : IstioTranslator.translate(config, view, remote).objects()) {
      out.add(TestObjects.object((ObjectNode) o.tree(), o.sourceFqn()));
    }
    return out;
  }

  @Test
  void leastRequestIsAcceptedAndSpreadsCallsOverTheEndpoints() throws Exception {
    int a = backend("lr-a");
    int b = backend("lr-b");
    Files.writeString(
        inventoryFile,
        inventory(
            "lr",
            """
            - {address: 127.0.0.1, port: %d}
                  - {address: 127.0.0.1, port: %d}\
            """
                .formatted(a, b)));
    EdgeAgent agent = startAgent();
    ScriptedCentral.Stream s = awaitStream();
    s.send(snapshot(1, leastRequestRule("lr")));
    awaitAck(s, 1);
    await()
        .atMost(WAIT)
        .until(
            () ->
                agent.xds().current() != null
                    && agent.xds().current().clusters().stream()
                        .anyMatch(c -> c.hasLoadBalancingPolicy()));

    // grpc-java's own xDS client takes least_request from load_balancing_policy (grpc-js, which
    // has none, takes the round_robin after it: modules/xds GrpcJsClusterRules).
    ManagedChannel channel = channel("lr");
    awaitAnswer(channel, "lr-a");
    TreeMap<String, Integer> seen = calls(channel, 40);
    LOG.info("FIGURE least_request over 40 sequential calls: {}", seen);
    assertThat(seen).containsOnlyKeys("lr-a", "lr-b");
    assertThat(agent.xds().nacks()).isZero();
  }

  @Test
  void withCentralDownARestartedAgentServesTheLastSnapshotFromDisk() throws Exception {
    int local = backend("keep-local");
    int remote = backend("keep-remote");
    Files.writeString(
        inventoryFile, inventory("keep", "- {address: 127.0.0.1, port: %d}".formatted(local)));
    EdgeAgent first = startAgent();
    ScriptedCentral.Stream s = awaitStream();
    s.send(snapshot(1, serviceEntry("keep", remote, "us-east-1/us-east-1a", "c2")));
    awaitAck(s, 1);
    ManagedChannel channel = channel("keep");
    awaitAnswer(channel, "keep-local");
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    // central gone, agent restarted: it has only its state on disk
    first.close();
    central.stop();
    EdgeAgent second = startAgent();
    assertThat(second.status().isConnected()).isFalse();
    assertThat(second.xds().current().clusters()).isNotEmpty();

    ManagedChannel again = channel("keep");
    long t0 = System.nanoTime();
    awaitAnswer(again, "keep-local");
    LOG.info(
        "FIGURE restarted agent, central down: first call answered {} ms after the new channel",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(calls(again, 20)).containsOnlyKeys("keep-local");
    // the ServiceEntry came from state.json: failover still works without central
    Files.writeString(
        inventoryFile,
        inventory("keep", "- {address: 127.0.0.1, port: %d, healthy: false}".formatted(local)));
    awaitAnswer(again, "keep-remote");
    assertThat(second.xds().requests()).isPositive();
    assertThat(second.status().isConnected()).isFalse();
    assertThat(central.streams).hasSize(1);
  }

  @Test
  void aTakenDefaultPortMeansNoXdsButATakenExplicitPortFailsTheStart() throws Exception {
    Files.writeString(inventoryFile, inventory("taken", "- {address: 127.0.0.1, port: 1}"));
    try (var taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      var base =
          new EdgeSettings(
              "c1",
              "127.0.0.1",
              central.port(),
              tokenFile,
              Optional.of(inventoryFile),
              dir.resolve("out"),
              dir.resolve("state"),
              false,
              EdgeTransport.PLAINTEXT,
              Optional.empty(),
              Duration.ofMillis(20),
              Duration.ofMillis(300),
              Duration.ofSeconds(5),
              "test");
      EdgeAgent bestEffort =
          agent(base.withXds("127.0.0.1", taken.getLocalPort(), Duration.ofMillis(100), true));
      bestEffort.start();
      assertThat(bestEffort.xdsPort()).isEqualTo(-1);
      assertThat(bestEffort.status().lastError()).contains("cannot serve xDS");
      bestEffort.close();
      EdgeAgent strict =
          agent(base.withXds("127.0.0.1", taken.getLocalPort(), Duration.ofMillis(100), false));
      org.assertj.core.api.Assertions.assertThatThrownBy(strict::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot serve xDS on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  // ---- helpers ----

  private EdgeAgent agent(EdgeSettings settings) throws Exception {
    var target = new DirectoryTarget(dir.resolve("out"), "c1");
    var status = new EdgeStatus("c1", target.describe(), Clock.systemUTC());
    var agent =
        new EdgeAgent(
            settings,
            target,
            FileInventory.open(inventoryFile, false, status),
            status,
            new Random(1),
            Clock.systemUTC());
    agents.add(agent);
    return agent;
  }

  private EdgeAgent startAgent() throws Exception {
    return startAgent(settings -> settings);
  }

  private EdgeAgent startAgent(UnaryOperator<EdgeSettings> change) throws Exception {
    var base =
        new EdgeSettings(
                "c1",
                "127.0.0.1",
                central.port(),
                tokenFile,
                Optional.of(inventoryFile),
                dir.resolve("out"),
                dir.resolve("state"),
                false,
                EdgeTransport.PLAINTEXT,
                Optional.empty(),
                Duration.ofMillis(20),
                Duration.ofMillis(300),
                Duration.ofSeconds(5),
                "test")
            .withXds("127.0.0.1", xdsPort, Duration.ofMillis(100));
    var settings = change.apply(base);
    var target = new DirectoryTarget(dir.resolve("out"), "c1");
    var status = new EdgeStatus("c1", target.describe(), Clock.systemUTC());
    var agent =
        new EdgeAgent(
            settings,
            target,
            FileInventory.open(inventoryFile, false, status),
            status,
            new Random(1),
            Clock.systemUTC());
    agents.add(agent);
    agent.start();
    assertThat(agent.xdsPort()).isEqualTo(xdsPort);
    assertThat(Files.readString(dir.resolve("state/xds.port")).strip())
        .isEqualTo(String.valueOf(xdsPort));
    return agent;
  }

  private ScriptedCentral.Stream awaitStream() {
    await().atMost(WAIT).until(() -> !central.streams.isEmpty() && central.last().hello != null);
    return central.last();
  }

  private static void awaitAck(ScriptedCentral.Stream s, long version) {
    await()
        .atMost(WAIT)
        .until(
            () -> s.of(MessageCase.ACK).stream().anyMatch(m -> m.getAck().getVersion() == version));
  }

  private static String host(String service) {
    return service + ".shop.svc.cluster.local";
  }

  private static String inventory(String service, String addresses) {
    return """
    network: net-1
    locality: {region: eu-west-1, zone: eu-west-1a}
    services:
      - namespace: shop
        name: %s
        ports: [{name: grpc, port: 50051, protocol: GRPC}]
        labels: {app: %s}
        addresses:
          %s
    """
        .formatted(service, service, addresses);
  }

  private int backend(String name) throws IOException {
    return serve(
        (request, response) -> {
          response.onNext(name);
          response.onCompleted();
        });
  }

  /**
   * A "gateway" over TLS that requires a client certificate from the test CA and answers with the
   * SNI it was asked for and the client certificate's subject.
   */
  private int tlsGateway() throws IOException {
    Context.Key<String> seen = Context.key("tls");
    ServerInterceptor tls =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            String sni = "";
            if (session instanceof ExtendedSSLSession extended) {
              sni =
                  extended.getRequestedServerNames().stream()
                      .map(n -> n instanceof SNIHostName h ? h.getAsciiName() : n.toString())
                      .collect(Collectors.joining(","));
            }
            String client;
            try {
              client = session == null ? "none" : session.getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
              client = "none";
            }
            return Contexts.interceptCall(
                Context.current().withValue(seen, "sni=" + sni + " client=" + client),
                call,
                headers,
                next);
          }
        };
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.newBuilder()
                    .keyManager(
                        certs.certificate("gateway").toFile(), certs.key("gateway").toFile())
                    .trustManager(certs.caPem().toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build())
            .addService(
                ServerInterceptors.intercept(
                    ServerServiceDefinition.builder("trestle.test.Who")
                        .addMethod(
                            WHO,
                            ServerCalls.asyncUnaryCall(
                                (request, response) -> {
                                  response.onNext("gateway " + seen.get());
                                  response.onCompleted();
                                }))
                        .build(),
                    tls))
            .build()
            .start();
    backends.add(server);
    return server.getPort();
  }

  /** A "gateway" that accepts connections and fails every call. */
  private int failingBackend() throws IOException {
    return serve(
        (request, response) ->
            response.onError(
                Status.UNAVAILABLE
                    .withDescription("no ready endpoint behind this gateway")
                    .asRuntimeException()));
  }

  private int serve(ServerCalls.UnaryMethod<String, String> who) throws IOException {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerServiceDefinition.builder("trestle.test.Who")
                    .addMethod(WHO, ServerCalls.asyncUnaryCall(who))
                    .build())
            .build()
            .start();
    backends.add(server);
    return server.getPort();
  }

  private ManagedChannel channel(String service) {
    ManagedChannel channel =
        Grpc.newChannelBuilder(
                "xds:///" + host(service) + ":50051", InsecureChannelCredentials.create())
            .build();
    channels.add(channel);
    return channel;
  }

  private static String call(ManagedChannel channel) {
    return ClientCalls.blockingUnaryCall(
        channel, WHO, CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS), "who?");
  }

  /** Calls until one is answered by {@code expected} (bounded by WAIT). */
  private static void awaitAnswer(ManagedChannel channel, String expected) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> call(channel).equals(expected));
  }

  private static TreeMap<String, Integer> calls(ManagedChannel channel, int n) {
    var seen = new TreeMap<String, Integer>();
    for (int i = 0; i < n; i++) {
      seen.merge(call(channel), 1, Integer::sum);
    }
    return seen;
  }

  // ---- desired objects as central sends them ----

  /** A remote cluster's endpoint as central publishes it: its gateway (here: a backend). */
  private record Remote(int port, String locality, String cluster) {}

  /** The service catalog's form: the remote cluster's endpoint (its gateway) for the host. */
  private static DesiredObject serviceEntry(
      String service, int port, String locality, String cluster) {
    return serviceEntry(service, new Remote(port, locality, cluster));
  }

  /** The service catalog's form: one endpoint per remote cluster, at its gateway. */
  private static DesiredObject serviceEntry(String service, Remote... remotes) {
    return serviceEntry(service, false, remotes);
  }

  /**
   * As above; {@code meshTls}: the endpoints carry {@code security.istio.io/tlsMode: istio}, as
   * central publishes them.
   */
  private static DesiredObject serviceEntry(String service, boolean meshTls, Remote... remotes) {
    ObjectNode se = TestObjects.JSON.createObjectNode();
    se.put("apiVersion", "networking.istio.io/v1").put("kind", "ServiceEntry");
    ObjectNode meta = se.putObject("metadata");
    meta.put("name", "trestle-remote-" + service).put("namespace", "shop");
    meta.putObject("labels").put("app.kubernetes.io/managed-by", "trestle");
    ObjectNode spec = se.putObject("spec");
    spec.putArray("hosts").add(host(service));
    spec.put("location", "MESH_INTERNAL").put("resolution", "STATIC");
    spec.putArray("ports")
        .addObject()
        .put("number", 50051)
        .put("name", "grpc")
        .put("protocol", "GRPC");
    ArrayNode endpoints = spec.putArray("endpoints");
    for (Remote r : remotes) {
      ObjectNode ep = endpoints.addObject();
      ep.put("address", "127.0.0.1").put("locality", r.locality()).put("network", "net-2");
      ep.putObject("ports").put("grpc", r.port());
      ObjectNode labels = ep.putObject("labels").put("topology.istio.io/cluster", r.cluster());
      if (meshTls) {
        labels.put(GatewayTls.TLS_MODE_LABEL, "istio");
      }
    }
    return TestObjects.object(se, "organizations/acme/clusters/" + remotes[0].cluster());
  }

  /**
   * The DestinationRule central merges into every host with remote clusters
   * (CrossClusterTranslation.withFailover): locality failover and consecutive-5xx outlier
   * detection, here with a 1 s interval.
   */
  private static DesiredObject failoverRule(String service) {
    ObjectNode dr = destinationRuleFor(service);
    ObjectNode spec = (ObjectNode) dr.get("spec");
    ObjectNode policy = spec.putObject("trafficPolicy");
    policy.putObject("loadBalancer").putObject("localityLbSetting").put("enabled", true);
    policy
        .putObject("outlierDetection")
        .put("consecutive5xxErrors", 5)
        .put("interval", "1s")
        .put("baseEjectionTime", "30s");
    return TestObjects.object(dr, "organizations/acme/clusters/c1");
  }

  /** A DestinationRule for the service's host, its spec to be filled. */
  private static ObjectNode destinationRuleFor(String service) {
    ObjectNode dr = TestObjects.JSON.createObjectNode();
    dr.put("apiVersion", "networking.istio.io/v1").put("kind", "DestinationRule");
    dr.putObject("metadata").put("name", "trestle-" + service).put("namespace", "shop");
    dr.putObject("spec").put("host", host(service));
    return dr;
  }

  private static DesiredObject destinationRule(String service) {
    ObjectNode dr = destinationRuleFor(service);
    ObjectNode spec = (ObjectNode) dr.get("spec");
    ArrayNode subsets = spec.putArray("subsets");
    subsets.addObject().put("name", "v1").putObject("labels").put("version", "v1");
    subsets.addObject().put("name", "v2").putObject("labels").put("version", "v2");
    return TestObjects.object(
        dr, "organizations/acme/tenants/t/workspaces/w/groups/g/serviceroutes/" + service);
  }

  private static DesiredObject leastRequestRule(String service) {
    ObjectNode dr = destinationRuleFor(service);
    ObjectNode spec = (ObjectNode) dr.get("spec");
    spec.putObject("trafficPolicy").putObject("loadBalancer").put("simple", "LEAST_REQUEST");
    return TestObjects.object(
        dr, "organizations/acme/tenants/t/workspaces/w/groups/g/trafficsettings/" + service);
  }

  private static DesiredObject virtualService(String service, int w1, int w2) {
    ObjectNode vs = TestObjects.JSON.createObjectNode();
    vs.put("apiVersion", "networking.istio.io/v1").put("kind", "VirtualService");
    vs.putObject("metadata").put("name", "trestle-" + service).put("namespace", "shop");
    ObjectNode spec = vs.putObject("spec");
    spec.putArray("hosts").add(host(service));
    ObjectNode http = spec.putArray("http").addObject();
    http.put("name", "default").put("timeout", "5s");
    ArrayNode route = http.putArray("route");
    ObjectNode d1 = route.addObject();
    d1.putObject("destination").put("host", host(service)).put("subset", "v1");
    d1.put("weight", w1);
    ObjectNode d2 = route.addObject();
    d2.putObject("destination").put("host", host(service)).put("subset", "v2");
    d2.put("weight", w2);
    return TestObjects.object(
        vs, "organizations/acme/tenants/t/workspaces/w/groups/g/serviceroutes/" + service);
  }

  private static final class StringMarshaller implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
