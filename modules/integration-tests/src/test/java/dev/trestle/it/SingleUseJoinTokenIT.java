package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Single-use join tokens with real processes (issue 15): central in secure mode and {@code trestle
 * edge} agents for cluster eu-west-1a of the acme example. An agent joins with a bootstrap token
 * minted by {@code trestle cluster token --single-use --ttl 1h}; central spends it and the agent
 * keeps the token central gave it in {@code <state-dir>/session.token} (mode 0600); restarted, it
 * rejoins with that token (the bootstrap token in its token file is spent by then). A second agent
 * presenting a copy of the spent bootstrap token is refused, told that the token was single-use and
 * spent, never admitted, and the refusal is audited; the first agent keeps its session. The tests
 * run in order and build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleUseJoinTokenIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String A = "eu-west-1a";
  private static final String FQN = "organizations/acme/clusters/" + A;

  @RegisterExtension
  static final CentralServer central =
      new CentralServer(
              new ServerProcess.Options(
                  true,
                  0,
                  Map.of(
                      "TRESTLE_EDGE_HEARTBEAT_INTERVAL", "500ms",
                      "TRESTLE_EDGE_UNHEALTHY_AFTER_MISSED", "3")))
          .deleteWorkDirWhenAllPass();

  private static final List<EdgeProcess> EDGES = new ArrayList<>();

  @RegisterExtension
  static final TestWatcher edgeLogs = EdgeProcess.logTailsOnFailure(() -> EDGES, 30);

  private static EdgeProcess.Layout layout;
  private static String bootstrap;
  private static String ownToken;
  private static int edgeStarts;

  @BeforeAll
  static void mintABootstrapToken() throws IOException {
    CliResult apply = central.cli().run("apply", "-f", AcmeExample.DIR.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    layout = new EdgeProcess.Layout(A, central.workDir().resolve("edge-" + A));
    Files.createDirectories(layout.dir());
    CliResult token =
        central
            .cli()
            .run(
                "cluster",
                "token",
                A,
                "--single-use",
                "--ttl",
                "1h",
                "--out-file",
                layout.tokenFile().toString());
    assertThat(token.exitCode()).as(token.toString()).isZero();
    bootstrap = Files.readString(layout.tokenFile()).strip();
    assertThat(bootstrap).startsWith("trjt.");
    Files.writeString(layout.inventory(), AcmeExample.inventory(A));
    assertThat(joinTokens()).singleElement().satisfies(t -> assertThat(singleUse(t)).isTrue());
  }

  @AfterAll
  static void stopEdges() {
    EDGES.forEach(EdgeProcess::stop);
  }

  @Test
  @Order(1)
  void anAgentJoiningWithASingleUseTokenKeepsItsOwnTokenInSessionToken() throws IOException {
    EdgeProcess edge = start(layout);
    awaitStatus(
        edge, s -> s.path("connected").asBoolean() && s.path("appliedVersion").asLong() > 0);

    Path sessionToken = layout.stateDir().resolve("session.token");
    assertThat(sessionToken).isRegularFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionToken)))
        .isEqualTo("rw-------");
    ownToken = Files.readString(sessionToken).strip();
    assertThat(ownToken).startsWith("trjt.").isNotEqualTo(bootstrap);
    assertThat(Files.readString(edge.log()))
        .contains("the join token was single-use")
        .doesNotContain(ownToken)
        .doesNotContain(bootstrap);

    // Central holds only the agent's own token now, issued by the edge, not single-use.
    JsonNode token = joinTokens().get(0);
    assertThat(joinTokens()).hasSize(1);
    assertThat(token.path("issuedBy").asText()).isEqualTo("edge:" + FQN);
    assertThat(singleUse(token)).isFalse();
    assertThat(ownToken).contains("." + token.path("id").asText() + ".");
  }

  @Test
  @Order(2)
  void restartedTheAgentRejoinsWithItsOwnToken() throws IOException {
    EdgeProcess first = EDGES.get(0);
    long applied = first.status().path("appliedVersion").asLong();
    assertThat(first.stop()).as("SIGTERM stops the agent").isTrue();
    EDGES.remove(first);
    awaitDisconnected();

    EdgeProcess restarted = start(layout);
    awaitStatus(restarted, s -> s.path("connected").asBoolean());
    await("restarted agent stays connected")
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> restarted.status().path("connected").asBoolean());
    assertThat(restarted.status().path("appliedVersion").asLong()).isEqualTo(applied);
    assertThat(Files.readString(restarted.log()))
        .doesNotContain("refused cluster")
        .doesNotContain("the join token was single-use"); // nothing new was issued
    assertThat(Files.readString(layout.stateDir().resolve("session.token")).strip())
        .isEqualTo(ownToken);
    assertThat(joinTokens()).hasSize(1);
    assertThat(cluster().path("connected").asBoolean()).isTrue();
  }

  @Test
  @Order(3)
  void aSecondAgentPresentingTheSpentTokenIsRefusedSayingSo() throws IOException {
    EdgeProcess first = EDGES.get(0);
    var copy = new EdgeProcess.Layout(A, central.workDir().resolve("edge-" + A + "-copy"));
    Files.createDirectories(copy.dir());
    Files.copy(layout.tokenFile(), copy.tokenFile());
    Files.copy(layout.inventory(), copy.inventory());

    EdgeProcess second = start(copy);
    await(A + "'s second agent refused")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                Files.readString(second.log())
                    .contains("refused cluster " + A + " (UNAUTHENTICATED: join token"));
    String log = Files.readString(second.log());
    assertThat(log).contains("was single-use and was spent at").doesNotContain(bootstrap);
    assertThat(second.status().path("connected").asBoolean()).isFalse();
    assertThat(copy.stateDir().resolve("session.token")).doesNotExist();
    await(A + "'s first agent keeps the cluster")
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                first.status().path("connected").asBoolean()
                    && !second.status().path("connected").asBoolean());

    // Audited as a refused EDGE_CONNECT of the cluster, with the reason.
    JsonNode refused =
        await("the refusal in the audit log")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(200))
            .until(SingleUseJoinTokenIT::spentTokenRefusal, r -> r != null);
    assertThat(refused.toString()).doesNotContain(bootstrap.substring(bootstrap.lastIndexOf('.')));
    assertThat(joinTokens()).hasSize(1);
  }

  // --- helpers -----------------------------------------------------------------------------

  private static EdgeProcess start(EdgeProcess.Layout l) {
    EdgeProcess edge =
        EdgeProcess.start(
            l,
            central.running().edgePort(),
            central.workDir().resolve("edge-" + A + "-" + ++edgeStarts + ".log"),
            central.configHome());
    EDGES.add(edge);
    return edge;
  }

  private static JsonNode awaitStatus(EdgeProcess edge, Predicate<JsonNode> condition) {
    return await(edge.cluster() + "'s /status")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .failFast(edge.cluster() + "'s agent ended", () -> !edge.isAlive())
        .until(edge::status, condition::test);
  }

  private static void awaitDisconnected() {
    await(A + " disconnected")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !cluster().path("connected").asBoolean());
  }

  private static JsonNode cluster() {
    for (JsonNode c : central.rest().clusters().path("clusters")) {
      if (c.path("fqn").asText().equals(FQN)) {
        return c;
      }
    }
    throw new AssertionError(FQN + " not in " + central.rest().clusters());
  }

  private static List<JsonNode> joinTokens() {
    var tokens = new ArrayList<JsonNode>();
    cluster().path("joinTokens").forEach(tokens::add);
    return tokens;
  }

  private static boolean singleUse(JsonNode token) {
    return token.path("singleUse").asBoolean(false);
  }

  /** The audit row of the spent token's refusal, or null while there is none. */
  private static JsonNode spentTokenRefusal() {
    JsonNode page = central.rest().audit("resource=" + FQN + "&operation=EDGE_CONNECT&pageSize=50");
    for (JsonNode entry : page.path("entries")) {
      if (entry.toString().contains("was single-use and was spent")) {
        return entry;
      }
    }
    return null;
  }
}
