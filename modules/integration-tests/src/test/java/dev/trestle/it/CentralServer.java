package dev.trestle.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One central server for a test class (register it as a {@code static} {@code @RegisterExtension}
 * field): started before the first test on a fresh data directory, stopped after the last one
 * whatever happened, restartable on the same data directory in between. A failing test gets the
 * tail of the server log on stderr; everything (data, logs, CLI output) stays in the class's work
 * directory under target/it-runs.
 *
 * <p>A restart binds the edge-sync port of the first start again, so that edge agents started with
 * {@code --central 127.0.0.1:PORT} find the restarted server. In secure mode the CLI runs with the
 * initial admin's token ({@code --token-file <data-dir>/admin.token}).
 */
final class CentralServer implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private ServerProcess.Options options;
  private Path workDir;
  private Path dataDir;
  private Path configHome;
  private int starts;
  private ServerProcess server;
  private Cli cli;
  private RestProbe rest;
  private boolean deleteWorkDirWhenAllPass;
  private volatile boolean failed;

  /** Insecure-dev (no authentication), ephemeral ports. */
  CentralServer() {
    this(ServerProcess.Options.INSECURE_DEV);
  }

  CentralServer(ServerProcess.Options options) {
    this.options = options;
  }

  /**
   * Deletes the class's work directory after the last test if every test passed and every process
   * stopped; a failed run keeps it (logs, data, CLI output) for diagnosis.
   */
  CentralServer deleteWorkDirWhenAllPass() {
    deleteWorkDirWhenAllPass = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    workDir = TrestleRuntime.newWorkDir(context.getRequiredTestClass().getSimpleName());
    dataDir = workDir.resolve("data");
    configHome = workDir.resolve("config-home"); // empty: no trestle/cli.yaml in it
    try {
      Files.createDirectories(configHome);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cli =
        new Cli(
            () -> running().apiAddress(),
            workDir,
            configHome,
            options.secure() ? dataDir.resolve("admin.token") : null);
    rest = new RestProbe(this::running, options.secure() ? dataDir.resolve("admin.token") : null);
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    boolean stopped = true;
    if (server != null && server.isAlive() && !server.stop()) {
      System.err.println("server did not stop within " + ServerProcess.STOP_TIMEOUT + "; killed");
      stopped = false;
    }
    if (!deleteWorkDirWhenAllPass || workDir == null) {
      return;
    }
    if (failed || !stopped || context.getExecutionException().isPresent()) {
      System.err.println("work directory kept: " + workDir);
      return;
    }
    try (Stream<Path> walk = Files.walk(workDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete the work directory " + workDir + ": " + e);
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
    if (server != null) {
      System.err.printf(
          "%s failed; work directory %s; last lines of %s:%n%s%n",
          context.getDisplayName(), workDir, server.log(), server.outputTail(30));
    }
  }

  /** The running server (fails if it is not running). */
  ServerProcess running() {
    if (server == null || !server.isAlive()) {
      throw new IllegalStateException(
          "the server is not running"
              + (server == null
                  ? ""
                  : "; last lines of " + server.log() + ":\n" + server.outputTail(30)));
    }
    return server;
  }

  boolean isRunning() {
    return server != null && server.isAlive();
  }

  Cli cli() {
    return cli;
  }

  RestProbe rest() {
    return rest;
  }

  Path workDir() {
    return workDir;
  }

  /** The XDG config home every process of this class gets (no trestle/cli.yaml in it). */
  Path configHome() {
    return configHome;
  }

  /**
   * A fresh directory {@code edge-CLUSTER} under the work directory for one agent, with a join
   * token minted for {@code clusterRef} (its name or FQN) by {@code trestle cluster token} in its
   * token file.
   */
  EdgeProcess.Layout edgeLayout(String cluster, String clusterRef) {
    var layout = new EdgeProcess.Layout(cluster, workDir.resolve("edge-" + cluster));
    try {
      Files.createDirectories(layout.dir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CliResult token =
        cli.run("cluster", "token", clusterRef, "--out-file", layout.tokenFile().toString());
    if (token.exitCode() != 0) {
      throw new AssertionError("minting a join token failed: " + token);
    }
    return layout;
  }

  /** Graceful stop (SIGTERM); returns the stopped process, for its exit code and log. */
  ServerProcess stopGracefully() {
    ServerProcess stopped = running();
    if (!stopped.stop()) {
      throw new AssertionError(
          "server did not stop within "
              + ServerProcess.STOP_TIMEOUT
              + " of SIGTERM; last lines of "
              + stopped.log()
              + ":\n"
              + stopped.outputTail(30));
    }
    return stopped;
  }

  /** Crash: SIGKILL, as {@code kill -9}. */
  void kill() {
    running().kill();
  }

  /** Starts a server process on this class's data directory (again, after a stop or a kill). */
  ServerProcess start() {
    if (server != null && server.isAlive()) {
      throw new IllegalStateException("a server is already running: pid " + server.pid());
    }
    starts++;
    server =
        ServerProcess.start(
            dataDir, workDir.resolve("server-" + starts + ".log"), configHome, options);
    if (options.edgePort() == 0) {
      options = options.withEdgePort(server.edgePort());
    }
    return server;
  }
}
