package dev.trestle.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A central server in its own JVM (this test's classpath), so a test can kill it with SIGKILL.
 * Waits for the "ready" line with a bounded deadline; output goes to a log file.
 */
public final class ServerProcess implements AutoCloseable {
  // The ready line's fields are read by name: their order is not part of the contract.
  private static final Pattern READY = Pattern.compile("Trestle central ready: (.*)");
  private static final Pattern API = Pattern.compile(" api=127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern MANAGEMENT = Pattern.compile(" management=127\\.0\\.0\\.1:(\\d+)");
  private final Process process;
  private final Path log;
  private final int apiPort;
  private final int managementPort;

  private ServerProcess(Process process, Path log, int apiPort, int managementPort) {
    this.process = process;
    this.log = log;
    this.apiPort = apiPort;
    this.managementPort = managementPort;
  }

  public static ServerProcess start(Path dataDir, Duration timeout) throws Exception {
    return start(dataDir, "", timeout);
  }

  /**
   * As {@link #start(Path, Duration)} with extra HOCON (e.g. {@link TestStorage#centralConfig()}).
   */
  public static ServerProcess start(Path dataDir, String hocon, Duration timeout) throws Exception {
    Path log = Files.createTempFile(dataDir.getParent(), "server-", ".log");
    Path config = Files.createTempFile(dataDir.getParent(), "server-", ".conf");
    Files.writeString(config, hocon);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    // C1 only: start-up dominates, and on 2 shared cores the full JIT delays readiness by seconds.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ServerMain.class.getName());
    command.add(dataDir.toString());
    command.add(config.toString());
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Matcher m = READY.matcher(Files.readString(log));
      if (m.find()) {
        String ready = " " + m.group(1);
        Matcher api = API.matcher(ready);
        Matcher management = MANAGEMENT.matcher(ready);
        if (!api.find() || !management.find()) {
          p.destroyForcibly();
          throw new IllegalStateException("unexpected ready line: " + m.group());
        }
        return new ServerProcess(
            p, log, Integer.parseInt(api.group(1)), Integer.parseInt(management.group(1)));
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("server exited early:\n" + Files.readString(log));
      }
      Thread.sleep(100); // polling a file with a deadline, not waiting blindly
    }
    p.destroyForcibly();
    throw new IllegalStateException(
        "server not ready within " + timeout + ":\n" + Files.readString(log));
  }

  public int apiPort() {
    return apiPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGKILL: no shutdown hooks, no flushing. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
