package dev.trestle.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One {@code trestle server} OS process on 127.0.0.1 with ephemeral ports, in insecure-dev mode (no
 * authentication) unless {@link Options#secure}. Its stdout and stderr go to a log file (kept for
 * diagnostics); {@link #start} returns once the process has logged its ready line, and the ports
 * come from that line.
 */
final class ServerProcess implements AutoCloseable {
  // A bound, not a wait: a restart after kill -9 on a loaded 2-core machine (H2 recovery, every
  // projection resuming) was seen to need 90 s.
  static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /** The ready line; its {@code name=value} fields are read by name, in any order. */
  private static final Pattern READY =
      Pattern.compile("Trestle central ready: (.*)$", Pattern.MULTILINE);

  private static final Pattern PORT_FIELD =
      Pattern.compile("(?:^| )(api|edge|management)=127\\.0\\.0\\.1:(\\d+)(?= )");
  private static final Pattern DATA_FIELD = Pattern.compile("(?:^| )data=(.*)$");

  /** Servers still running, stopped forcibly if the test JVM exits without closing them. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "trestle-it-reaper"));
  }

  private final Process process;
  private final Path log;
  private final int apiPort;
  private final int managementPort;
  private final int edgePort;

  /**
   * How a server is started: {@code secure} = bearer tokens (the initial admin's token is in {@code
   * <data-dir>/admin.token}), else {@code --insecure-dev}; {@code edgePort} 0 = ephemeral (a
   * restart that edge agents must find again passes the previous one); {@code env} adds variables
   * (e.g. {@code TRESTLE_EDGE_HEARTBEAT_INTERVAL}) to the hermetic environment; {@code args} are
   * extra {@code trestle server} flags (e.g. {@code --profile postgres}).
   */
  record Options(boolean secure, int edgePort, Map<String, String> env, List<String> args) {
    static final Options INSECURE_DEV = new Options(false, 0, Map.of());

    Options {
      env = Map.copyOf(env);
      args = List.copyOf(args);
    }

    Options(boolean secure, int edgePort, Map<String, String> env) {
      this(secure, edgePort, env, List.of());
    }

    Options withEdgePort(int port) {
      return new Options(secure, port, env, args);
    }
  }

  private ServerProcess(Process process, Path log, int apiPort, int managementPort, int edgePort) {
    this.process = process;
    this.log = log;
    this.apiPort = apiPort;
    this.managementPort = managementPort;
    this.edgePort = edgePort;
  }

  /**
   * Starts a server on {@code dataDir} (created if missing) and waits, at most {@link
   * #START_TIMEOUT}, for its ready line. On any failure the process is gone when this throws.
   */
  static ServerProcess start(Path dataDir, Path log, Path configHome) {
    return start(dataDir, log, configHome, Options.INSECURE_DEV);
  }

  /** As {@link #start(Path, Path, Path)}, started as {@code options} say. */
  static ServerProcess start(Path dataDir, Path log, Path configHome, Options options) {
    var args =
        new ArrayList<>(
            List.of(
                "server",
                "--data-dir",
                dataDir.toString(),
                "--api-port",
                "0",
                "--management-port",
                "0",
                "--edge-port",
                Integer.toString(options.edgePort())));
    args.addAll(options.args());
    if (!options.secure()) {
      // No authentication: most tests are about configuration through the CLI; secure mode
      // (tokens, login) is for tests of its own.
      args.add("--insecure-dev");
    }
    var builder =
        new ProcessBuilder(TrestleRuntime.serverCommand(args))
            .directory(dataDir.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    TrestleRuntime.hermetic(builder, configHome);
    builder.environment().putAll(options.env());
    Process process;
    try {
      // The server creates the data directory itself (mode 0700); only its parent is made here.
      Files.createDirectories(dataDir.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    LIVE.add(process);
    try {
      String ready = awaitReady(process, log).group(1);
      var ports = new HashMap<String, Integer>();
      Matcher field = PORT_FIELD.matcher(ready);
      while (field.find()) {
        ports.put(field.group(1), Integer.parseInt(field.group(2)));
      }
      Matcher data = DATA_FIELD.matcher(ready);
      if (ports.size() != 3 || !data.find()) {
        throw new IllegalStateException(
            "ready line without api, edge and management on 127.0.0.1 and data: " + ready);
      }
      var server =
          new ServerProcess(
              process, log, ports.get("api"), ports.get("management"), ports.get("edge"));
      if (!Path.of(data.group(1).strip()).toAbsolutePath().equals(dataDir.toAbsolutePath())) {
        throw new IllegalStateException(
            "server reports data=" + data.group(1) + ", expected " + dataDir);
      }
      return server;
    } catch (RuntimeException | Error e) {
      process.destroyForcibly();
      waitFor(process, STOP_TIMEOUT);
      LIVE.remove(process);
      throw e;
    }
  }

  private static Matcher awaitReady(Process process, Path log) {
    try {
      return await("ready line in " + log)
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .failFast("server exited before it was ready (see " + log + ")", () -> !process.isAlive())
          .until(() -> readyLine(log), Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new IllegalStateException(
          e.getMessage() + "\n--- server output (last lines) ---\n" + tail(log, 40), e);
    }
  }

  private static Optional<Matcher> readyLine(Path log) {
    Matcher m = READY.matcher(read(log));
    return m.find() ? Optional.of(m) : Optional.empty();
  }

  /** The management API address, {@code 127.0.0.1:PORT}, for {@code --server}. */
  String apiAddress() {
    return "127.0.0.1:" + apiPort;
  }

  int apiPort() {
    return apiPort;
  }

  int managementPort() {
    return managementPort;
  }

  /** The edge-sync port edge agents connect to ({@code --central 127.0.0.1:PORT}). */
  int edgePort() {
    return edgePort;
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

  /** The exit code once the process has ended. */
  int exitCode() {
    return process.exitValue();
  }

  /**
   * Graceful stop: SIGTERM, then waits up to {@link #STOP_TIMEOUT}. Returns true if the process
   * ended by itself; false if it had to be killed.
   */
  boolean stop() {
    if (!process.isAlive()) {
      LIVE.remove(process);
      return true;
    }
    process.destroy(); // SIGTERM on Unix: Pekko's coordinated shutdown runs
    boolean ended = waitFor(process, STOP_TIMEOUT);
    if (!ended) {
      process.destroyForcibly();
      waitFor(process, STOP_TIMEOUT);
    }
    LIVE.remove(process);
    return ended;
  }

  /** Crash: SIGKILL (as kill -9), no shutdown hooks; waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    if (!waitFor(process, STOP_TIMEOUT)) {
      throw new IllegalStateException("server pid " + process.pid() + " survived SIGKILL");
    }
    LIVE.remove(process);
  }

  String outputTail(int lines) {
    return tail(log, lines);
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

  private static String read(Path log) {
    try {
      // Bytes, not readString: the file is being written and may end inside a character.
      return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(Path log, int lines) {
    List<String> all = read(log).lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
