package dev.trestle.edge;

import static dev.trestle.edge.TestObjects.delta;
import static dev.trestle.edge.TestObjects.destinationRule;
import static dev.trestle.edge.TestObjects.list;
import static dev.trestle.edge.TestObjects.snapshot;
import static dev.trestle.edge.TestObjects.virtualService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.protocol.v1.DesiredObject;
import dev.trestle.protocol.v1.EdgeMessage;
import dev.trestle.protocol.v1.EdgeMessage.MessageCase;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.Inventory;
import dev.trestle.protocol.v1.Nack;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a scripted central: a real gRPC server and real streams on loopback. */
class EdgeAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TOKEN = "trst-secret-token-123";

  @TempDir Path dir;
  private ScriptedCentral central;
  private final List<EdgeAgent> agents = new ArrayList<>();
  private Path tokenFile;
  private Path inventoryFile;

  @BeforeEach
  void setUp() throws IOException {
    central = new ScriptedCentral().start();
    tokenFile = dir.resolve("c1.token");
    Files.writeString(tokenFile, TOKEN + "\n");
    inventoryFile = dir.resolve("inventory.yaml");
    Files.writeString(inventoryFile, inventory(3));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    agents.forEach(EdgeAgent::close);
    central.close();
  }

  static String inventory(int healthy) {
    return """
    network: net-1
    locality: {region: eu-west-1, zone: eu-west-1a}
    namespaces: [shop, payments]
    services:
      - namespace: shop
        name: web
        ports: [{name: http, port: 8080, protocol: HTTP}]
        labels: {app: web}
        endpoints: 3
        healthyEndpoints: %d
    """
        .formatted(healthy);
  }

  private Path out() {
    return dir.resolve("out");
  }

  private Path stateDir() {
    return dir.resolve("state");
  }

  private EdgeAgent startAgent() throws Exception {
    return startAgent(List.of(new CentralAddress("127.0.0.1", central.port())));
  }

  private EdgeAgent startAgent(List<CentralAddress> centrals) throws Exception {
    return startAgent(centrals, false);
  }

  private EdgeAgent startAgent(List<CentralAddress> centrals, boolean takeover) throws Exception {
    var settings =
        new EdgeSettings(
            "c1",
            centrals,
            tokenFile,
            Optional.of(inventoryFile),
            out(),
            stateDir(),
            false,
            EdgeTransport.PLAINTEXT,
            Optional.of(0),
            Duration.ofMillis(20),
            Duration.ofMillis(300),
            Duration.ofSeconds(5),
            "test");
    var target = new DirectoryTarget(out(), "c1");
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
    if (takeover) {
      agent.takeOverOnFirstConnect();
    }
    agent.start();
    return agent;
  }

  private ScriptedCentral.Stream awaitStream(int count) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                central.streams.size() >= count
                    && central.streams.get(count - 1).hello != null
                    && central.streams.get(count - 1).received.size() >= 1);
    return central.streams.get(count - 1);
  }

  private ScriptedCentral.Stream awaitFirstHeartbeat() {
    var s = awaitStream(1);
    awaitMessage(s, MessageCase.HEARTBEAT, 1);
    return s;
  }

  /** The inventory of the last heartbeat received. */
  private static Inventory lastInventory(ScriptedCentral.Stream s) {
    List<EdgeMessage> beats = s.of(MessageCase.HEARTBEAT);
    return beats.get(beats.size() - 1).getHeartbeat().getInventory();
  }

  private static EdgeMessage awaitMessage(ScriptedCentral.Stream s, MessageCase kind, int n) {
    await().atMost(WAIT).until(() -> s.of(kind).size() >= n);
    return s.of(kind).get(n - 1);
  }

  @Test
  void anAgentKeepsTheCredentialCentralIssuesAndFallsBackToTheTokenFileWhenItIsRefused()
      throws Exception {
    String own = "trjt.own-credential-for-this-agent";
    central.sessionToken = own;
    startAgent();
    awaitStream(1);
    Path kept = stateDir().resolve(SessionCredential.FILE_NAME);
    await().atMost(WAIT).until(() -> Files.exists(kept));
    assertThat(Files.readString(kept)).isEqualTo(own + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)))
        .isEqualTo("rw-------");

    // Next connect presents the agent's own credential, not the (spent) token file.
    central.sessionToken = "";
    central.refuse = h -> h.getToken().equals(own) ? Status.UNAUTHENTICATED : null;
    central.streams.get(0).out.onError(Status.UNAVAILABLE.asRuntimeException());
    assertThat(awaitStream(2).hello.getToken()).isEqualTo(own);

    // Refused (revoked): the agent deletes it and goes back to --token-file.
    assertThat(awaitStream(3).hello.getToken()).isEqualTo(TOKEN);
    assertThat(kept).doesNotExist();
  }

  private Path file(String relative) {
    return out().resolve(relative);
  }

  private JsonNode status(EdgeAgent agent) throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + agent.statusPort() + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  @Test
  void snapshotIsWrittenAsFilesAckedAndPersisted() throws Exception {
    EdgeAgent agent = startAgent();
    var s = awaitStream(1);
    assertThat(s.hello.getCluster()).isEqualTo("c1");
    assertThat(s.hello.getToken()).isEqualTo(TOKEN);
    assertThat(s.hello.getLastAppliedVersion()).isZero();
    assertThat(s.hello.getInventory().getNamespacesList()).containsExactly("payments", "shop");

    DesiredObject vs = virtualService("shop", "web", "^/api/.*");
    DesiredObject dr = destinationRule("payments", "ledger");
    s.send(snapshot(1, vs, dr));

    EdgeMessage ack = awaitMessage(s, MessageCase.ACK, 1);
    assertThat(ack.getAck().getVersion()).isEqualTo(1);
    assertThat(ack.getAck().getSetHash()).isEqualTo(TestObjects.hash(List.of(vs, dr)));
    assertThat(file("shop/virtualservice-web.yaml"))
        .content()
        .contains("regex: ^/api/.*")
        .contains("kind: VirtualService");
    assertThat(file("payments/destinationrule-ledger.yaml")).exists();
    AppliedState saved = new StateStore(stateDir(), "c1", Clock.systemUTC()).load();
    assertThat(saved.version()).isEqualTo(1);
    assertThat(saved.objects()).hasSize(2);
    assertThat(status(agent).path("appliedVersion").asLong()).isEqualTo(1);
    assertThat(status(agent).path("connected").asBoolean()).isTrue();
  }

  @Test
  void deltaOnTheAppliedVersionIsAppliedAndAcked() throws Exception {
    startAgent();
    var s = awaitStream(1);
    DesiredObject web = virtualService("shop", "web", "^/api/.*");
    DesiredObject ledger = destinationRule("payments", "ledger");
    s.send(snapshot(1, web, ledger));
    awaitMessage(s, MessageCase.ACK, 1);

    DesiredObject cart = virtualService("shop", "cart", "^/cart");
    s.send(delta(1, 2, list(cart), list(ledger), list(web, cart)));

    EdgeMessage ack = awaitMessage(s, MessageCase.ACK, 2);
    assertThat(ack.getAck().getVersion()).isEqualTo(2);
    assertThat(file("shop/virtualservice-cart.yaml")).exists();
    assertThat(file("payments/destinationrule-ledger.yaml")).doesNotExist();
    assertThat(file("shop/virtualservice-web.yaml")).exists();
  }

  @Test
  void deltaFromAnotherVersionIsNotAppliedAndTheAgentReconnects() throws Exception {
    startAgent();
    var s = awaitStream(1);
    DesiredObject web = virtualService("shop", "web", "^/api/.*");
    s.send(snapshot(1, web));
    awaitMessage(s, MessageCase.ACK, 1);

    DesiredObject cart = virtualService("shop", "cart", "^/cart");
    s.send(delta(5, 6, list(cart), list(), list(web, cart)));

    var second = awaitStream(2);
    assertThat(second.hello.getLastAppliedVersion()).isEqualTo(1);
    assertThat(s.of(MessageCase.ACK)).hasSize(1);
    assertThat(s.of(MessageCase.NACK)).isEmpty();
    assertThat(file("shop/virtualservice-cart.yaml")).doesNotExist();
  }

  @Test
  void badObjectIsNackedWithItsReasonAndThePreviousFilesStay() throws Exception {
    EdgeAgent agent = startAgent();
    var s = awaitStream(1);
    DesiredObject web = virtualService("shop", "web", "^/api/.*");
    s.send(snapshot(1, web));
    awaitMessage(s, MessageCase.ACK, 1);
    String before = Files.readString(file("shop/virtualservice-web.yaml"));

    DesiredObject lookahead = virtualService("shop", "x", "^/(?=api)");
    DesiredObject web2 = virtualService("shop", "web", "^/v2/.*");
    s.send(snapshot(2, web2, lookahead));

    Nack nack = awaitMessage(s, MessageCase.NACK, 1).getNack();
    assertThat(nack.getVersion()).isEqualTo(2);
    assertThat(nack.getKeptVersion()).isEqualTo(1);
    assertThat(nack.getReason())
        .startsWith(
            "VirtualService shop/x: spec.http[0].match[0].uri.regex: '^/(?=api)' is not an RE2"
                + " regex")
        .doesNotContain("\n");
    assertThat(nack.getErrorsList()).hasSize(1);
    assertThat(nack.getErrors(0).getKey().getName()).isEqualTo("x");
    assertThat(Files.readString(file("shop/virtualservice-web.yaml"))).isEqualTo(before);
    assertThat(file("shop/virtualservice-x.yaml")).doesNotExist();
    assertThat(new StateStore(stateDir(), "c1", Clock.systemUTC()).load().version()).isEqualTo(1);
    JsonNode status = status(agent);
    assertThat(status.path("appliedVersion").asLong()).isEqualTo(1);
    assertThat(status.path("lastNack").path("version").asLong()).isEqualTo(2);
    assertThat(status.path("lastNack").path("reason").asText()).contains("(?=api)");
  }

  @Test
  void setHashMismatchIsNacked() throws Exception {
    startAgent();
    var s = awaitStream(1);
    DesiredObject web = virtualService("shop", "web", "^/api/.*");
    var wrong = snapshot(1, web).toBuilder();
    wrong.getSnapshotBuilder().setSetHash("0".repeat(64));
    s.send(wrong.build());
    Nack nack = awaitMessage(s, MessageCase.NACK, 1).getNack();
    assertThat(nack.getReason()).startsWith("set hash mismatch");
    assertThat(nack.getKeptVersion()).isZero();
    assertThat(file("shop/virtualservice-web.yaml")).doesNotExist();
  }

  @Test
  void centralGoneKeepsFilesAndStatusAnswersThenTheAgentReconnects() throws Exception {
    EdgeAgent agent = startAgent();
    var s = awaitStream(1);
    s.send(snapshot(1, virtualService("shop", "web", "^/api/.*")));
    awaitMessage(s, MessageCase.ACK, 1);
    int port = central.port();

    central.stop();
    await().atMost(WAIT).until(() -> !agent.status().isConnected());
    await().atMost(WAIT).until(() -> status(agent).path("lastError").asText().contains("central"));
    JsonNode status = status(agent);
    assertThat(status.path("connected").asBoolean()).isFalse();
    assertThat(status.path("appliedVersion").asLong()).isEqualTo(1);
    assertThat(file("shop/virtualservice-web.yaml")).exists();
    assertThat(status.toString()).doesNotContain(TOKEN);

    int before = central.streams.size();
    central.start(port);
    var again = awaitStream(before + 1);
    assertThat(again.hello.getLastAppliedVersion()).isEqualTo(1);
    assertThat(again.hello.getLastAppliedHash()).isEqualTo(status.path("setHash").asText());
    await().atMost(WAIT).until(() -> agent.status().isConnected());
  }

  @Test
  void reconnectsWithinMaxBackoffOfCentralComingBackAfterALongOutage() throws Exception {
    EdgeAgent agent = startAgent(); // max backoff 300 ms
    awaitStream(1);
    await().atMost(WAIT).until(() -> agent.status().isConnected());
    int port = central.port();
    central.stop();
    await().atMost(WAIT).until(() -> !agent.status().isConnected());
    // an outage long enough for grpc-java's own reconnect backoff (1 s growing by 1.6x up to
    // 120 s) to exceed several seconds: without a reset, the channel waits that long after
    // central is back
    await()
        .during(Duration.ofSeconds(12))
        .atMost(Duration.ofSeconds(14))
        .until(() -> !agent.status().isConnected());
    int before = central.streams.size();
    long up = System.nanoTime();
    central.start(port);
    await().atMost(WAIT).until(() -> agent.status().isConnected());
    long millis = (System.nanoTime() - up) / 1_000_000;
    assertThat(central.streams.size()).isGreaterThan(before);
    assertThat(millis).as("reconnected %d ms after central came back", millis).isLessThan(1_500);
  }

  @Test
  void whenItsCentralNodeDiesTheAgentMovesToTheNextAddressAndResumesFromItsVersion()
      throws Exception {
    try (var second = new ScriptedCentral().start()) {
      EdgeAgent agent =
          startAgent(
              List.of(
                  new CentralAddress("127.0.0.1", central.port()),
                  new CentralAddress("127.0.0.1", second.port())));
      var s = awaitStream(1);
      DesiredObject web = virtualService("shop", "web", "^/api/.*");
      s.send(snapshot(1, web));
      String hash = awaitMessage(s, MessageCase.ACK, 1).getAck().getSetHash();

      central.stop();
      await().atMost(WAIT).until(() -> second.streams.size() == 1 && second.last().hello != null);
      var moved = second.last();
      assertThat(moved.hello.getLastAppliedVersion()).isEqualTo(1);
      assertThat(moved.hello.getLastAppliedHash()).isEqualTo(hash);
      await().atMost(WAIT).until(() -> agent.status().isConnected());
      DesiredObject ledger = destinationRule("payments", "ledger");
      moved.send(delta(1, 2, list(ledger), list(), list(web, ledger)));
      assertThat(awaitMessage(moved, MessageCase.ACK, 1).getAck().getVersion()).isEqualTo(2);
      assertThat(central.streams).hasSize(1);
    }
  }

  @Test
  void restartWithCentralDownRewritesTheOutDirFromTheSavedState() throws Exception {
    EdgeAgent first = startAgent();
    var s = awaitStream(1);
    s.send(
        snapshot(
            3, virtualService("shop", "web", "^/api/.*"), destinationRule("payments", "ledger")));
    awaitMessage(s, MessageCase.ACK, 1);
    first.close();
    central.stop();
    deleteTree(out());

    EdgeAgent second = startAgent();
    assertThat(file("shop/virtualservice-web.yaml")).exists();
    assertThat(file("payments/destinationrule-ledger.yaml")).exists();
    JsonNode status = status(second);
    assertThat(status.path("appliedVersion").asLong()).isEqualTo(3);
    assertThat(status.path("objects").asInt()).isEqualTo(2);
    assertThat(status.path("connected").asBoolean()).isFalse();

    central.start(central.port());
    var hello = awaitStream(2).hello;
    assertThat(hello.getLastAppliedVersion()).isEqualTo(3);
  }

  @Test
  void filesNotWrittenByTheAgentAreLeftAlone() throws Exception {
    Path mine = out().resolve("shop/my-own.yaml");
    Files.createDirectories(mine.getParent());
    Files.writeString(mine, "kind: Mine\n");
    startAgent();
    var s = awaitStream(1);
    DesiredObject web = virtualService("shop", "web", "^/api/.*");
    s.send(snapshot(1, web));
    awaitMessage(s, MessageCase.ACK, 1);
    s.send(snapshot(2));
    awaitMessage(s, MessageCase.ACK, 2);
    assertThat(file("shop/virtualservice-web.yaml")).doesNotExist();
    assertThat(mine).hasContent("kind: Mine");
  }

  @Test
  void inventoryFileChangeIsInTheNextHeartbeat() throws Exception {
    startAgent();
    var s = awaitStream(1);
    EdgeMessage first = awaitMessage(s, MessageCase.HEARTBEAT, 1);
    assertThat(first.getHeartbeat().getInventory().getServices(0).getHealthyEndpoints())
        .isEqualTo(3);

    replaceInventory(inventory(0));
    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<EdgeMessage> beats = s.of(MessageCase.HEARTBEAT);
              return beats
                      .get(beats.size() - 1)
                      .getHeartbeat()
                      .getInventory()
                      .getServices(0)
                      .getHealthyEndpoints()
                  == 0;
            });
  }

  @Test
  void invalidInventoryWhileRunningKeepsTheLastGoodOneSaysWhyAndClearsWhenGoodAgain()
      throws Exception {
    EdgeAgent agent = startAgent();
    var s = awaitFirstHeartbeat();
    replaceInventory(inventory(7)); // 7 healthy of 3
    await()
        .atMost(WAIT)
        .until(() -> String.valueOf(agent.status().lastError()).contains("healthyEndpoints"));
    int seen = s.of(MessageCase.HEARTBEAT).size();
    EdgeMessage later = awaitMessage(s, MessageCase.HEARTBEAT, seen + 1);
    assertThat(later.getHeartbeat().getInventory().getServices(0).getHealthyEndpoints())
        .isEqualTo(3);
    assertThat(agent.status().lastError())
        .contains(
            inventoryFile.toString()
                + ": services[0].healthyEndpoints: 7 is more than endpoints (3)");

    // a valid inventory read again clears the error
    assertThat(agent.status().inventorySuspect()).isNull(); // invalid, not suspect

    replaceInventory(inventory(1));
    await().atMost(WAIT).until(() -> agent.status().lastError() == null);
    assertThat(status(agent).path("lastErrorAt").isNull()).isTrue();

    // the same good content as before the error (e.g. the file restored from a copy) clears too
    replaceInventory(inventory(9));
    await().atMost(WAIT).until(() -> agent.status().lastError() != null);
    replaceInventory(inventory(1));
    await().atMost(WAIT).until(() -> agent.status().lastError() == null);
  }

  @Test
  void truncatedInventoryFileIsSuspectTheLastGoodOneIsReportedAndTheErrorClearsWhenItIsBack()
      throws Exception {
    EdgeAgent agent = startAgent();
    var s = awaitFirstHeartbeat();

    Files.writeString(inventoryFile, ""); // what a truncate-then-write or a full disk leaves
    await().atMost(WAIT).until(() -> agent.status().inventorySuspect() != null);
    assertThat(agent.status().lastError())
        .contains(inventoryFile + ": suspect inventory, still reporting the last good one")
        .contains("the file is empty");
    JsonNode status = status(agent);
    assertThat(status.path("inventorySuspect").asText()).contains("the file is empty");
    int seen = s.of(MessageCase.HEARTBEAT).size();
    EdgeMessage later = awaitMessage(s, MessageCase.HEARTBEAT, seen + 2);
    assertThat(later.getHeartbeat().getInventory().getServicesCount()).isEqualTo(1);
    assertThat(later.getHeartbeat().getInventory().getNamespacesList())
        .containsExactly("payments", "shop");

    replaceInventory(inventory(2));
    await().atMost(WAIT).until(() -> agent.status().lastError() == null);
    status = status(agent);
    assertThat(status.path("lastError").isNull()).isTrue();
    assertThat(status.path("inventorySuspect").isNull()).isTrue();
  }

  @Test
  void dropToNoServicesIsSuspectUntilTheFileSaysAllowEmpty() throws Exception {
    EdgeAgent agent = startAgent();
    var s = awaitFirstHeartbeat();

    replaceInventory("namespaces: [shop]\n");
    await().atMost(WAIT).until(() -> agent.status().inventorySuspect() != null);
    assertThat(agent.status().inventorySuspect())
        .contains("drops every service at once (1 before, none now)");
    int seen = s.of(MessageCase.HEARTBEAT).size();
    assertThat(
            awaitMessage(s, MessageCase.HEARTBEAT, seen + 1)
                .getHeartbeat()
                .getInventory()
                .getServicesCount())
        .isEqualTo(1);

    replaceInventory("allowEmpty: true\nnamespaces: [shop]\n");
    await().atMost(WAIT).until(() -> lastInventory(s).getServicesCount() == 0);
    assertThat(agent.status().inventorySuspect()).isNull();
    assertThat(agent.status().lastError()).isNull();
  }

  @Test
  void refusedHelloIsRetriedWithBackoffWithoutLoggingTheToken() throws Exception {
    central.refuse = h -> Status.UNAUTHENTICATED.withDescription("unknown or revoked token");
    EdgeAgent agent = startAgent();
    awaitStream(3); // kept retrying
    assertThat(agent.status().lastError())
        .contains("refused cluster c1")
        .contains("UNAUTHENTICATED")
        .contains(tokenFile.toString())
        .doesNotContain(TOKEN);
    assertThat(agent.status().isConnected()).isFalse();

    // the operator fixes the token: the next attempt gets in
    Files.writeString(tokenFile, "trst-fixed");
    central.refuse = h -> h.getToken().equals("trst-fixed") ? null : Status.UNAUTHENTICATED;
    await().atMost(WAIT).until(() -> agent.status().isConnected());
  }

  @Test
  void refusedBecauseAnotherAgentHoldsTheClusterItStandsByAtMaxBackoffAndNeverTakesOverAgain()
      throws Exception {
    central.refuse =
        h -> Status.FAILED_PRECONDITION.withDescription("another agent holds the cluster");
    EdgeAgent agent = startAgent(List.of(new CentralAddress("127.0.0.1", central.port())), true);
    awaitHello(1);
    long firstAt = System.nanoTime();
    awaitHello(2);
    long waitedMillis = (System.nanoTime() - firstAt) / 1_000_000;

    // max backoff is 300 ms; the usual first retry waits at most the initial 20 ms
    assertThat(waitedMillis).isGreaterThanOrEqualTo(250);
    Hello first = central.streams.get(0).hello;
    Hello second = central.streams.get(1).hello;
    assertThat(first.getTakeover()).isTrue();
    assertThat(second.getTakeover()).isFalse();
    assertThat(first.getAgentInstance()).isNotEmpty().isEqualTo(second.getAgentInstance());
    assertThat(agent.status().lastError()).contains("ANOTHER AGENT HOLDS CLUSTER c1");
  }

  @Test
  void replacedByAnotherAgentItStandsByAtMaxBackoffInsteadOfTakingTheClusterBack()
      throws Exception {
    EdgeAgent agent = startAgent();
    ScriptedCentral.Stream s1 = awaitStream(1);
    await().atMost(WAIT).until(() -> agent.status().isConnected());
    s1.out.onError(Status.ABORTED.withDescription("replaced by a newer session").asException());
    long replacedAt = System.nanoTime();
    awaitHello(2);
    long waitedMillis = (System.nanoTime() - replacedAt) / 1_000_000;

    assertThat(waitedMillis).isGreaterThanOrEqualTo(250);
    assertThat(central.streams.get(1).hello.getTakeover()).isFalse();
    assertThat(central.streams.get(1).hello.getAgentInstance())
        .isEqualTo(central.streams.get(0).hello.getAgentInstance());
  }

  private void awaitHello(int count) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> central.streams.size() >= count && central.streams.get(count - 1).hello != null);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Replaces the inventory file in one step (write beside it, then rename), as a careful operator
   * does: a plain rewrite truncates first, and the agent may read the empty file in between, which
   * is its own case (tested on its own).
   */
  private void replaceInventory(String text) throws IOException {
    Path next = inventoryFile.resolveSibling(inventoryFile.getFileName() + ".next");
    Files.writeString(next, text);
    Files.move(
        next, inventoryFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
