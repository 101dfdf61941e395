package dev.trestle.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Connection options, accepted before the verb ({@code trestle --server h:p get ...}) and after it
 * ({@code trestle get ... --server h:p}); the latter wins.
 */
public final class ClientOptions {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "Management API address (default: 'server' in the CLI config, else 127.0.0.1:9080).")
  String server;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "CLI config file (default: $TRESTLE_CONFIG, else ~/.config/trestle/cli.yaml).")
  Path config;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Deadline of each call to the server, e.g. 500ms, 10s, 2m (default: 10s).")
  Duration timeout;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print stack traces and client-side logs on failure.")
  boolean verbose;

  /** Values from {@code override} where given, else from {@code base}. */
  static ClientOptions merge(ClientOptions base, ClientOptions override) {
    var merged = new ClientOptions();
    merged.server = override.server != null ? override.server : base.server;
    merged.config = override.config != null ? override.config : base.config;
    merged.timeout = override.timeout != null ? override.timeout : base.timeout;
    merged.verbose = override.verbose || base.verbose;
    return merged;
  }

  Optional<String> server() {
    return Optional.ofNullable(server);
  }

  Optional<Path> config() {
    return Optional.ofNullable(config);
  }

  Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  boolean verbose() {
    return verbose;
  }
}
