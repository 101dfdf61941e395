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
  /** A command that carries these options (the root, a verb, a verb group such as 'iam'). */
  interface Holder {
    ClientOptions clientOptions();
  }

  /** A first apply of a few dozen documents on a busy small machine can take 10-20 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "Management API address (default: 'server' in the CLI config, else 127.0.0.1:9080).")
  String server;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "CLI config file (default: $TRESTLE_CONFIG, else $XDG_CONFIG_HOME/trestle/cli.yaml,"
              + " else $HOME/.config/trestle/cli.yaml).")
  Path config;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Read the bearer token from FILE (default: $TRESTLE_TOKEN, else 'token' or 'token-file'"
              + " in the CLI config). The token is never printed.")
  Path tokenFile;

  @Option(
      names = "--tls",
      negatable = true,
      description =
          "Use TLS, trusting the system's certificate authorities (default: 'tls' in the CLI"
              + " config, else plaintext). --no-tls forces plaintext.")
  Boolean tls;

  @Option(
      names = "--ca-file",
      paramLabel = "PEM",
      description =
          "Use TLS and trust the certificate(s) in this PEM file, e.g. a self-signed server's"
              + " <data-dir>/tls/ca.pem (default: 'ca-file' in the CLI config).")
  Path caFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Deadline of each call to the server, e.g. 500ms, 10s, 2m (default: 30s).")
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
    merged.tokenFile = override.tokenFile != null ? override.tokenFile : base.tokenFile;
    merged.tls = override.tls != null ? override.tls : base.tls;
    merged.caFile = override.caFile != null ? override.caFile : base.caFile;
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

  Optional<Path> tokenFile() {
    return Optional.ofNullable(tokenFile);
  }

  /** {@code --tls} (true), {@code --no-tls} (false), or neither. */
  Optional<Boolean> tls() {
    return Optional.ofNullable(tls);
  }

  Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  boolean verbose() {
    return verbose;
  }
}
