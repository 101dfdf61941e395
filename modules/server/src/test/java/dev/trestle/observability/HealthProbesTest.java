package dev.trestle.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.trestle.app.Central;
import dev.trestle.app.ServerArgs;
import dev.trestle.app.Settings;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes probes through a node's life. The node is started with min-nr-of-members = 2 so that
 * it cannot be Up in its cluster (and so not ready, and its start not finished: a node waits to be
 * Up before it serves) until a second node joins: the "starting" window is held open by the test,
 * not left to timing. Shutdown is held in its service-unbind phase the same way.
 */
class HealthProbesTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static Optional<HttpResponse<String>> probe(int port, String path) throws Exception {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (ConnectException e) {
      return Optional.empty(); // not bound (yet or any more)
    }
  }

  private static int status(int port, String path) throws Exception {
    return probe(port, path).map(HttpResponse::statusCode).orElse(-1);
  }

  private static int freePort() throws Exception {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void readinessIs503WhileStartingThen200AndAgain503OnceShutdownBegins() throws Exception {
    Path dir = Files.createTempDirectory("trestle-test-");
    Path conf = dir.resolve("test.conf");
    Files.writeString(conf, "pekko.cluster.min-nr-of-members = 2\n");
    int port = freePort();
    int clusterPort = freePort();
    var args =
        new ServerArgs(
                Optional.of(conf),
                Optional.of(dir),
                Optional.of(0),
                Optional.of(0),
                Optional.of(port))
            .withInsecureDev(true)
            .withClusterPort(Optional.of(clusterPort));
    CompletableFuture<Central> starting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Central.start(Settings.load(args));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Central central = null;
    ActorSystem<Void> second = null;
    try {
      // The management port is bound first: it answers while storage and projections start.
      await("management port bound")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> starting.isDone() || status(port, "/health/alive") != -1);
      assertThat(status(port, "/health/alive")).isEqualTo(200);
      assertThat(status(port, "/health/ready")).isEqualTo(503);

      // Not Up in the cluster (one member of two): not ready, and why; the start waits for it.
      await("storage and projections started, membership the only failing check")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  probe(port, "/health/ready")
                      .map(HttpResponse::body)
                      .orElse("")
                      .contains("ClusterMembershipCheck"));
      assertThat(status(port, "/health/ready")).isEqualTo(503);
      // pekko-management's own /ready agrees (it answers 500, not 503, for a failed check).
      assertThat(status(port, "/ready")).isNotEqualTo(200);
      assertThat(starting).as("start waits for the node to be Up").isNotDone();

      second =
          ActorSystem.create(
              Behaviors.empty(),
              "trestle",
              ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0")
                  .withFallback(ConfigFactory.load()));
      Cluster.get(second)
          .manager()
          .tell(
              Join.create(
                  new org.apache.pekko.actor.Address(
                      "pekko", "trestle", "127.0.0.1", clusterPort)));
      central = starting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await("ready once Up")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> status(port, "/health/ready") == 200);
      assertThat(status(port, "/health/alive")).isEqualTo(200);
      // The helper node leaves again (it runs no sharding, which would keep the coordinator
      // waiting for it); the node stays Up and ready.
      second.terminate();
      second.getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      second = null;
      Cluster cluster = Cluster.get(central.system());
      await("helper node removed")
          .atMost(WAIT)
          .until(() -> cluster.state().getMembers().spliterator().estimateSize() == 1);
      assertThat(status(port, "/health/ready")).isEqualTo(200);

      // Shutdown begins: not ready at once, still alive and answering while it drains.
      var hold = new CompletableFuture<Done>();
      CoordinatedShutdown.get(central.system().classicSystem())
          .addTask(CoordinatedShutdown.PhaseServiceUnbind(), "test-hold", () -> hold);
      CoordinatedShutdown.get(central.system().classicSystem())
          .run(CoordinatedShutdown.unknownReason());
      try {
        await("not ready once shutdown begins")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> status(port, "/health/ready") == 503);
        assertThat(status(port, "/health/alive")).isEqualTo(200);
        assertThat(probe(port, "/metrics").orElseThrow().statusCode()).isEqualTo(200);
      } finally {
        hold.complete(Done.getInstance());
      }
      central
          .system()
          .getWhenTerminated()
          .toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(status(port, "/health/alive")).as("unbound when the node is gone").isEqualTo(-1);
    } finally {
      if (central != null) {
        central.close();
      } else {
        starting.thenAccept(
            c -> {
              try {
                c.close();
              } catch (Exception ignored) {
                // best effort after a failed assertion
              }
            });
      }
      if (second != null) {
        second.terminate();
        second.getWhenTerminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
