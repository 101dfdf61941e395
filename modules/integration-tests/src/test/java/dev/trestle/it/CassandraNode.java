package dev.trestle.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A real single-node Cassandra (cassandra-all, the version of modules/test-cassandra) for one test
 * class: its own JVM started from the classpath file that module writes (Cassandra's netty 4.1,
 * guava and jackson never meet Trestle's or the tests'), on 127.0.0.1 with free ports and a data
 * directory under the class's work directory. Register it before the {@link CentralServer} that
 * uses it ({@code @Order}); it is killed (SIGKILL: the data is thrown away) after the last test,
 * and its directory deleted unless a test failed.
 */
final class CassandraNode implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** Cassandra's default datacenter name with SimpleSnitch. */
  static final String DATACENTER = "datacenter1";

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> LIVE.forEach(Process::destroyForcibly), "cassandra-it-reaper"));
  }

  /** From Cassandra 5.0's conf/jvm17-server.options: what it needs opened on Java 17. */
  private static final List<String> JDK17_FLAGS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports",
          "java.sql/java.sql=ALL-UNNAMED",
          "--add-exports",
          "java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports",
          "jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports",
          "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports",
          "jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.io=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens",
          "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final int nativePort = freePort();
  private final int storagePort = freePort();
  private Path dir;
  private Process process;
  private boolean failed;
  private Duration startTime;

  /** The CQL port (for the contact point {@code 127.0.0.1:PORT}); fixed before the start. */
  int nativePort() {
    return nativePort;
  }

  String contactPoint() {
    return "127.0.0.1:" + nativePort;
  }

  /** How long the node took from process start to an open CQL port. */
  Duration startTime() {
    return startTime;
  }

  Path log() {
    return dir.resolve("cassandra.log");
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = TrestleRuntime.newWorkDir(context.getRequiredTestClass().getSimpleName() + "-cassandra");
    Path yaml = Files.writeString(dir.resolve("cassandra.yaml"), yaml());
    Path logback = Files.writeString(dir.resolve("logback.xml"), LOGBACK);
    var command = new ArrayList<String>();
    command.add(TrestleRuntime.javaBinary());
    // A 512 MiB heap is plenty for a test keyspace and keeps the node near 1 GiB RSS.
    command.addAll(List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-Xss512k"));
    command.addAll(JDK17_FLAGS);
    command.addAll(
        List.of(
            "-Dcassandra.config=" + yaml.toUri(),
            "-Dcassandra-foreground=yes",
            "-Dcassandra.storagedir=" + dir.resolve("data"),
            "-Dcassandra.logdir=" + dir,
            "-Dlogback.configurationFile=" + logback,
            // One node, no peers to wait for: skip the gossip settling and ring delays.
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dcassandra.ring_delay_ms=100",
            "-Dcassandra.superuser_setup_delay_ms=0",
            "-Dcassandra.initial_token=0",
            // Throw-away data: no fsync of system tables, so schema changes take less time.
            "-Dcassandra.unsafesystem=true",
            "-cp",
            classpath(),
            "org.apache.cassandra.service.CassandraDaemon"));
    var builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    long started = System.nanoTime();
    process = builder.start();
    LIVE.add(process);
    try {
      Awaitility.await("Cassandra's CQL port " + nativePort + " (log " + log() + ")")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .failFast(
              "Cassandra exited before its CQL port opened (see " + log() + ")",
              () -> !process.isAlive())
          .until(() -> accepts(nativePort));
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      failed = true;
      stop();
      throw new IllegalStateException(
          e.getMessage() + "\n--- Cassandra log (last lines) ---\n" + ServerProcess.tail(log(), 40),
          e);
    }
    startTime = Duration.ofNanos(System.nanoTime() - started);
    System.out.printf(
        "Cassandra on %s ready after %d ms (pid %d)%n",
        contactPoint(), startTime.toMillis(), process.pid());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
    if (failed || context.getExecutionException().isPresent()) {
      System.err.println("Cassandra directory kept: " + dir);
      return;
    }
    deleteTree(dir);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
    System.err.printf(
        "%s failed; last lines of %s:%n%s%n",
        context.getDisplayName(), log(), ServerProcess.tail(log(), 20));
  }

  private void stop() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        System.err.println("Cassandra pid " + process.pid() + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LIVE.remove(process);
  }

  private String yaml() {
    return """
    cluster_name: trestle-it
    num_tokens: 1
    partitioner: org.apache.cassandra.dht.Murmur3Partitioner
    endpoint_snitch: SimpleSnitch
    commitlog_sync: periodic
    commitlog_sync_period: 10000ms
    data_file_directories: [%1$s/data/data]
    commitlog_directory: %1$s/data/commitlog
    saved_caches_directory: %1$s/data/saved_caches
    hints_directory: %1$s/data/hints
    cdc_raw_directory: %1$s/data/cdc_raw
    seed_provider:
      - class_name: org.apache.cassandra.locator.SimpleSeedProvider
        parameters:
          - seeds: "127.0.0.1:%2$d"
    listen_address: 127.0.0.1
    rpc_address: 127.0.0.1
    storage_port: %2$d
    native_transport_port: %3$d
    start_native_transport: true
    auto_snapshot: false
    concurrent_compactors: 1
    """
        .formatted(dir, storagePort, nativePort);
  }

  /** Cassandra's own logging: INFO and up to its stdout (the log file); no rolling files. */
  private static final String LOGBACK =
      """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
        </appender>
        <root level="INFO"><appender-ref ref="OUT"/></root>
      </configuration>
      """;

  /** The classpath file modules/test-cassandra writes; failsafe passes its path. */
  private static String classpath() {
    String file = System.getProperty("trestle.it.cassandraClasspathFile");
    if (file == null) {
      throw new IllegalStateException(
          "trestle.it.cassandraClasspathFile is not set: run this test through Maven (failsafe),"
              + " which builds modules/test-cassandra first");
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Cassandra's classpath file " + file, e);
    }
  }

  private static boolean accepts(int port) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
