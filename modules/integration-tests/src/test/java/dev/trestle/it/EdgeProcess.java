package dev.trestle.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One {@code trestle edge} OS process: an edge agent for one cluster with the directory target and
 * an inventory file (or {@code --kube} against a given API server), and its status endpoint on an
 * ephemeral loopback port. Its output goes to a log file; {@link #start} returns once the status
 * endpoint answers (which it does whether or not central is reachable).
 */
final class EdgeProcess implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Agents still running, killed if the test JVM exits without closing them. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "trestle-it-edge-reaper"));
  }

  /** Where one cluster's agent keeps everything: token, inventory, out dir, state dir, logs. */
  record Layout(String cluster, Path dir) {
    Path tokenFile() {
      return dir.resolve(cluster + ".token");
    }

    Path inventory() {
      return dir.resolve(cluster + "-inventory.yaml");
    }

    Path outDir() {
      return dir.resolve("out");
    }

    Path stateDir() {
      return dir.resolve("state");
    }

    Path statusPortFile() {
      return stateDir().resolve("status.port");
    }

    /** The xDS server's port, written by the agent once it serves ({@code --xds-port 0}). */
    Path xdsPortFile() {
      return stateDir().resolve("xds.port");
    }
  }

  private final Layout layout;
  private final Process process;
  private final Path log;
  private final int statusPort;
  private boolean suspended;

  private EdgeProcess(Layout layout, Process process, Path log, int statusPort) {
    this.layout = layout;
    this.process = process;
    this.log = log;
    this.statusPort = statusPort;
  }

  /**
   * Starts the agent for {@code layout} against central's edge port on 127.0.0.1, logging to {@code
   * log}, and waits at most {@link #START_TIMEOUT} for its status endpoint. On any failure the
   * process is gone when this throws.
   */
  static EdgeProcess start(Layout layout, int centralEdgePort, Path log, Path configHome) {
    return start(layout, "127.0.0.1:" + centralEdgePort, log, configHome);
  }

  /** As above, with {@code --central} as given: one address or several, comma-separated. */
  static EdgeProcess start(Layout layout, String central, Path log, Path configHome) {
    return start(
        layout,
        central,
        log,
        configHome,
        List.of(
            "--inventory", layout.inventory().toString(), "--out-dir", layout.outDir().toString()),
        Map.of());
  }

  /**
   * An agent in {@code --kube} mode against the API server {@code kubeconfig} points at (given as
   * {@code KUBECONFIG}), with {@code extraArgs} after the common ones.
   */
  static EdgeProcess startKube(
      Layout layout,
      int centralEdgePort,
      Path kubeconfig,
      Path log,
      Path configHome,
      List<String> extraArgs) {
    var args = new ArrayList<String>(List.of("--kube"));
    args.addAll(extraArgs);
    return start(
        layout,
        "127.0.0.1:" + centralEdgePort,
        log,
        configHome,
        args,
        Map.of("KUBECONFIG", kubeconfig.toString()));
  }

  private static EdgeProcess start(
      Layout layout,
      String central,
      Path log,
      Path configHome,
      List<String> targetArgs,
      Map<String, String> env) {
    try {
      Files.createDirectories(layout.stateDir());
      // A port file left by an earlier run of this agent must not be mistaken for this one's.
      Files.deleteIfExists(layout.statusPortFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var args =
        new ArrayList<String>(
            List.of(
                "edge",
                "--cluster",
                layout.cluster(),
                "--central",
                central,
                "--token-file",
                layout.tokenFile().toString()));
    args.addAll(targetArgs);
    args.addAll(
        List.of(
            "--state-dir",
            layout.stateDir().toString(),
            "--status-port",
            "0",
            // Central restarts in these tests: come back within a second.
            "--max-backoff",
            "1s",
            // Several agents on one host: each its own xDS port (not the default
            // 18000).
            "--xds-port",
            "0"));
    var builder =
        new ProcessBuilder(TrestleRuntime.edgeCommand(args))
            .directory(layout.dir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    TrestleRuntime.hermetic(builder, configHome);
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    LIVE.add(process);
    try {
      int port = awaitStatusPort(layout, process, log);
      var edge = new EdgeProcess(layout, process, log, port);
      await(layout.cluster() + "'s status endpoint")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .failFast("edge exited (see " + log + ")", () -> !process.isAlive())
          .until(() -> edge.status().path("cluster").asText().equals(layout.cluster()));
      return edge;
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      waitFor(process, STOP_TIMEOUT);
      LIVE.remove(process);
      throw new IllegalStateException(
          e.getMessage() + "\n--- edge output (last lines) ---\n" + ServerProcess.tail(log, 40), e);
    }
  }

  private static int awaitStatusPort(Layout layout, Process process, Path log) {
    try {
      return await("status port file " + layout.statusPortFile())
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .failFast("edge exited before it was ready (see " + log + ")", () -> !process.isAlive())
          .until(() -> readPort(layout.statusPortFile()), Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static Optional<Integer> readPort(Path file) {
    try {
      String text = Files.exists(file) ? Files.readString(file).strip() : "";
      return text.matches("\\d+") ? Optional.of(Integer.parseInt(text)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // being written
    }
  }

  Layout layout() {
    return layout;
  }

  String cluster() {
    return layout.cluster();
  }

  /** The port of the agent's xDS server, from {@code <state-dir>/xds.port} (waits for it). */
  int xdsPort() {
    return await(cluster() + "'s xds.port")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .failFast("edge exited (see " + log + ")", () -> !process.isAlive())
        .until(() -> readPort(layout.xdsPortFile()), Optional::isPresent)
        .orElseThrow();
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** {@code GET /status}, parsed. */
  JsonNode status() {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + "/status"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET /status of " + cluster() + " answered " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET /status of " + cluster() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Every file under the out dir: relative path to content. Two equal results mean the agent wrote
   * nothing in between.
   */
  SortedMap<String, String> files() {
    return files(layout.outDir());
  }

  /** Contents of the out-dir files whose relative path matches {@code regex}, in path order. */
  List<String> filesMatching(String regex) {
    return files().entrySet().stream()
        .filter(f -> f.getKey().matches(regex))
        .map(Map.Entry::getValue)
        .toList();
  }

  static SortedMap<String, String> files(Path dir) {
    var files = new TreeMap<String, String>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            dir.relativize(p).toString(),
            new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** SIGSTOP: the process and its heartbeats freeze; its TCP connections stay open. */
  void suspend() {
    signal("STOP");
    suspended = true;
  }

  /** SIGCONT after {@link #suspend}. */
  void resume() {
    signal("CONT");
    suspended = false;
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Graceful stop (SIGTERM), then SIGKILL if it takes longer than {@link #STOP_TIMEOUT}; a
   * suspended process is killed at once (it could not handle SIGTERM). Returns true if it ended by
   * itself.
   */
  boolean stop() {
    boolean ended;
    if (!process.isAlive()) {
      ended = true;
    } else if (suspended) {
      process.destroyForcibly();
      ended = false;
    } else {
      process.destroy();
      ended = waitFor(process, STOP_TIMEOUT);
      if (!ended) {
        process.destroyForcibly();
      }
    }
    waitFor(process, STOP_TIMEOUT);
    LIVE.remove(process);
    return ended;
  }

  String outputTail(int lines) {
    return ServerProcess.tail(log, lines);
  }

  @Override
  public void close() {
    stop();
  }

  private static boolean waitFor(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  /** A JUnit watcher that prints the last {@code lines} of each edge's log when a test fails. */
  static org.junit.jupiter.api.extension.TestWatcher logTailsOnFailure(
      java.util.function.Supplier<java.util.Collection<EdgeProcess>> edges, int lines) {
    return new org.junit.jupiter.api.extension.TestWatcher() {
      @Override
      public void testFailed(
          org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
        edges
            .get()
            .forEach(
                e ->
                    System.err.printf(
                        "last lines of %s (%s):%n%s%n",
                        e.log(), e.isAlive() ? "running" : "ended", e.outputTail(lines)));
      }
    };
  }
}
