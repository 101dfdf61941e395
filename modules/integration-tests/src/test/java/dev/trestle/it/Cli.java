package dev.trestle.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs {@code trestle} client verbs as separate OS processes, as a user would. Each run's stdout
 * and stderr are kept under {@code <workDir>/cli/} for diagnostics.
 */
final class Cli {
  /** How long one CLI process may run. */
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** {@code --timeout} of every call to the server. */
  static final String CALL_TIMEOUT = "60s";

  private final Supplier<String> serverAddress;
  private final Path outputDir;
  private final Path configHome;
  private final Path tokenFile;
  private final AtomicInteger runs = new AtomicInteger();

  /** {@code serverAddress} is asked on every run, so a restarted server's new port is used. */
  Cli(Supplier<String> serverAddress, Path workDir, Path configHome) {
    this(serverAddress, workDir, configHome, null);
  }

  /** {@code tokenFile}, when not null, is passed as {@code --token-file} (a secure server). */
  Cli(Supplier<String> serverAddress, Path workDir, Path configHome, Path tokenFile) {
    this.serverAddress = serverAddress;
    this.outputDir = workDir.resolve("cli");
    this.configHome = configHome;
    this.tokenFile = tokenFile;
  }

  /** {@code trestle --server <server> --timeout 60s ARGS...} */
  CliResult run(String... args) {
    return run(null, withServer(args));
  }

  /** {@code trestle --server <server> --timeout 60s ARGS... < stdin} */
  CliResult runWithStdin(Path stdin, String... args) {
    return run(stdin, withServer(args));
  }

  private List<String> withServer(String... args) {
    // A generous deadline: these tests check behaviour, not latency, and CI machines are small.
    var all =
        new ArrayList<String>(List.of("--server", serverAddress.get(), "--timeout", CALL_TIMEOUT));
    if (tokenFile != null) {
      all.addAll(List.of("--token-file", tokenFile.toString()));
    }
    all.addAll(List.of(args));
    return all;
  }

  private CliResult run(Path stdin, List<String> args) {
    int n = runs.incrementAndGet();
    Path out = outputDir.resolve(String.format("%03d.out", n));
    Path err = outputDir.resolve(String.format("%03d.err", n));
    var builder =
        new ProcessBuilder(TrestleRuntime.cliCommand(args))
            .directory(outputDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.redirectInput(
        stdin != null
            ? ProcessBuilder.Redirect.from(stdin.toFile())
            : ProcessBuilder.Redirect.from(new File("/dev/null")));
    TrestleRuntime.hermetic(builder, configHome);
    try {
      Files.createDirectories(outputDir);
      Files.writeString(
          outputDir.resolve(String.format("%03d.cmd", n)), "trestle " + String.join(" ", args));
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "trestle "
                + String.join(" ", args)
                + " did not finish within "
                + TIMEOUT
                + "\n"
                + new CliResult(args, -1, read(out), read(err)));
      }
      return new CliResult(List.copyOf(args), process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running trestle " + args, e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
  }
}
