package dev.trestle.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process with captured output, a fixed clock and a home without a config. */
final class CliRun {
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  final int exitCode;
  final String out;
  final String err;

  private CliRun(int exitCode, String out, String err) {
    this.exitCode = exitCode;
    this.out = out;
    this.err = err;
  }

  static CliRun run(Path home, String... args) {
    return run(home, Map.of(), "", args);
  }

  /** Runs {@code args} against {@code server} ({@code --server ADDRESS} first). */
  static CliRun against(Path home, FakeManagementServer server, String... args) {
    return run(home, Map.of(), "", withServer(server, args));
  }

  /** As {@link #against} with environment variables. */
  static CliRun against(
      Path home, FakeManagementServer server, Map<String, String> env, String... args) {
    return run(home, env, "", withServer(server, args));
  }

  /** Runs {@code verb args} against {@code server}. */
  static CliRun verb(Path home, FakeManagementServer server, String verb, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = verb;
    System.arraycopy(args, 0, all, 1, args.length);
    return against(home, server, all);
  }

  private static String[] withServer(FakeManagementServer server, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--server";
    all[1] = server.address();
    System.arraycopy(args, 0, all, 2, args.length);
    return all;
  }

  static CliRun run(Path home, Map<String, String> env, String stdin, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var vars = new HashMap<>(env);
    var environment =
        new CliEnvironment(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            vars,
            home,
            Clock.fixed(NOW, ZoneOffset.UTC));
    int code = TrestleCli.execute(args, environment, new PrintWriter(out), new PrintWriter(err));
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
