package dev.trestle.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * How the tests start Trestle as a separate OS process: {@code java -cp <classpath>
 * dev.trestle.launcher.TrestleLauncher ...}, with the same JVM that runs the tests.
 *
 * <p>The classpath comes from {@code trestle-classpath.txt}, which Maven's build-classpath writes
 * (the launcher's runtime classpath, no test libraries); the failsafe configuration passes its path
 * as {@code trestle.it.classpathFile}. Run from an IDE without it, the test JVM's own classpath is
 * used (it holds the CLI and its libraries too). The launcher script is not used: it may rebuild.
 */
final class TrestleRuntime {
  static final String MAIN_CLASS = "dev.trestle.launcher.TrestleLauncher";

  /**
   * Start-up dominates both kinds of process here (a CLI run lasts about a second; a test server
   * does little work), so C1 only: about 40% less CPU to get going than the default tiers.
   */
  private static final List<String> CLI_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

  private static final List<String> SERVER_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-Xmx512m");

  /** An edge agent holds a few dozen objects: a small heap, one GC thread. */
  private static final List<String> EDGE_JVM_OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

  /** CLI JVM options including the class-data-sharing archive, once it was tried. */
  private static List<String> cliJvmOptions;

  private TrestleRuntime() {}

  /** The repository root (examples/ lives there). */
  static Path repoRoot() {
    String configured = System.getProperty("trestle.it.repoRoot");
    Path root =
        configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().resolve("../..");
    root = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("examples"))) {
      throw new IllegalStateException(
          "cannot find the repository root (no examples/ in "
              + root
              + "); set trestle.it.repoRoot");
    }
    return root;
  }

  static Path examples(String name) {
    return repoRoot().resolve("examples").resolve(name);
  }

  /** A fresh directory for one test class's server data, logs and CLI outputs. */
  static Path newWorkDir(String owner) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = workBase().resolve(owner + "-" + stamp + "-" + shortId());
    try {
      return Files.createDirectories(dir).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path workBase() {
    String configured = System.getProperty("trestle.it.workDir");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "trestle-it");
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static String classpath() {
    String file = System.getProperty("trestle.it.classpathFile");
    if (file == null) {
      return System.getProperty("java.class.path");
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the classpath file " + file, e);
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static List<String> serverCommand(List<String> args) {
    return command(SERVER_JVM_OPTIONS, args);
  }

  static List<String> edgeCommand(List<String> args) {
    return command(EDGE_JVM_OPTIONS, args);
  }

  static List<String> cliCommand(List<String> args) {
    return command(cliJvmOptions(), args);
  }

  private static List<String> command(List<String> jvmOptions, List<String> args) {
    var command = new ArrayList<String>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add(MAIN_CLASS);
    command.addAll(args);
    return command;
  }

  /**
   * A process environment that no developer setting leaks into: no {@code TRESTLE_*} variables
   * (ports, config file, log level, security mode), no {@code JAVA_TOOL_OPTIONS} (the JVM would
   * announce it on stderr) and a config home without a {@code trestle/cli.yaml}.
   */
  static void hermetic(ProcessBuilder builder, Path configHome) {
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("TRESTLE_") || k.equals("JAVA_TOOL_OPTIONS"));
    env.put("XDG_CONFIG_HOME", configHome.toString());
  }

  private static synchronized List<String> cliJvmOptions() {
    if (cliJvmOptions == null) {
      cliJvmOptions = withClassDataSharing();
    }
    return cliJvmOptions;
  }

  /**
   * Start-up is most of the cost of a CLI run, and these tests make dozens. A class-data-sharing
   * archive of what a client verb loads (picocli, protobuf, gRPC, Netty, Jackson) takes another
   * ~40% off. It is made once per test JVM by a {@code diff} against a port where nothing listens
   * (a dry run even if something did). If that fails, CLI runs go without it, as they also do if
   * the JVM rejects the archive ({@code -Xshare:auto}). {@code -Xlog:disable} keeps the JVM's
   * sharing warnings out of the CLI's stdout, which the tests read.
   */
  private static List<String> withClassDataSharing() {
    Path dir = workBase().resolve("cds-" + shortId());
    Path archive = dir.resolve("cli.jsa");
    var command = new ArrayList<String>();
    command.add(javaBinary());
    command.addAll(CLI_JVM_OPTIONS);
    command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:disable"));
    command.addAll(List.of("-cp", classpath(), MAIN_CLASS));
    command.addAll(
        List.of(
            "--server",
            "127.0.0.1:1",
            "--timeout",
            "5s",
            "diff",
            "-f",
            examples("acme").toString()));
    var builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("archive.log").toFile());
    try {
      Files.createDirectories(dir.resolve("config-home"));
      hermetic(builder, dir.resolve("config-home"));
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
        var options = new ArrayList<>(CLI_JVM_OPTIONS);
        options.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:disable"));
        return List.copyOf(options);
      }
      System.err.println("no CDS archive for CLI runs (see " + dir.resolve("archive.log") + ")");
    } catch (IOException e) {
      System.err.println("no CDS archive for CLI runs: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return CLI_JVM_OPTIONS;
  }
}
