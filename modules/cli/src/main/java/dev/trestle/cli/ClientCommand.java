package dev.trestle.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A verb that talks to the management API: resolves connection settings (address, TLS, token),
 * prints results.
 */
public abstract class ClientCommand implements Callable<Integer>, ClientOptions.Holder {
  /** The environment variable holding a bearer token. */
  static final String TOKEN_VARIABLE = "TRESTLE_TOKEN";

  @Spec CommandSpec spec;

  @Mixin ClientOptions options;

  private CliConfig config;
  private Optional<Credential> credential;
  private boolean warned;

  @Override
  public ClientOptions clientOptions() {
    return options;
  }

  /** The exit code for a failure of this verb ({@link ExitCodes#FAILURE}; diff overrides it). */
  int errorExitCode() {
    return ExitCodes.FAILURE;
  }

  /** The top-level command: the CLI's environment and global options. */
  TrestleCli root() {
    return (TrestleCli) spec.root().userObject();
  }

  /** The options of every command from the root down to this verb; later ones win. */
  ClientOptions effectiveOptions() {
    var chain = new ArrayDeque<ClientOptions>();
    for (CommandSpec s = spec; s != null; s = s.parent()) {
      if (s.userObject() instanceof ClientOptions.Holder holder) {
        chain.addFirst(holder.clientOptions());
      }
    }
    ClientOptions merged = new ClientOptions();
    for (ClientOptions o : chain) {
      merged = ClientOptions.merge(merged, o);
    }
    return merged;
  }

  /** Whether a missing explicitly named CLI config is fine (login creates it). */
  boolean configMayBeMissing() {
    return false;
  }

  CliConfig.Location configLocation() {
    return CliConfig.locate(effectiveOptions().config(), root().environment());
  }

  /** The CLI config file (loaded once; empty when the default file does not exist). */
  CliConfig config() {
    if (config == null) {
      config = CliConfig.load(configLocation(), configMayBeMissing());
    }
    return config;
  }

  ServerAddress serverAddress() {
    ClientOptions o = effectiveOptions();
    if (o.server().isPresent()) {
      try {
        return ServerAddress.parse(o.server().get());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--server: " + e.getMessage());
      }
    }
    return config().server().map(ServerAddress::parse).orElse(ServerAddress.DEFAULT);
  }

  /** The server address for messages; never throws. */
  ServerAddress safeServerAddress() {
    try {
      return serverAddress();
    } catch (RuntimeException e) {
      return ServerAddress.DEFAULT;
    }
  }

  /**
   * {@code --no-tls}: plaintext. {@code --ca-file}, else (without {@code --tls}) the config's
   * {@code ca-file}: TLS trusting that file. {@code --tls} or {@code tls: true}: TLS trusting the
   * system's CAs. Otherwise plaintext.
   */
  Transport transport() {
    ClientOptions o = effectiveOptions();
    Optional<Boolean> tls = o.tls();
    if (tls.equals(Optional.of(false))) {
      if (o.caFile().isPresent()) {
        throw usage("--ca-file means TLS; it contradicts --no-tls");
      }
      return Transport.PLAINTEXT;
    }
    if (o.caFile().isPresent()) {
      return Transport.trusting(o.caFile().get());
    }
    if (tls.isPresent()) {
      return Transport.SYSTEM_TLS; // --tls: the system's CAs, whatever the config's ca-file
    }
    if (config().caFile().isPresent()) {
      return Transport.trusting(config().caFile().get());
    }
    return config().tls().orElse(false) ? Transport.SYSTEM_TLS : Transport.PLAINTEXT;
  }

  /**
   * The bearer token: {@code --token-file}, else {@code $TRESTLE_TOKEN}, else the config's {@code
   * token}, else its {@code token-file}; empty when none is given.
   */
  Optional<Credential> credential() {
    if (credential == null) {
      credential = resolveCredential();
    }
    return credential;
  }

  private Optional<Credential> resolveCredential() {
    ClientOptions o = effectiveOptions();
    if (o.tokenFile().isPresent()) {
      Path file = o.tokenFile().get();
      return Optional.of(Credential.fromFile(file, "--token-file " + file));
    }
    Optional<String> fromEnv = root().environment().variable(TOKEN_VARIABLE);
    if (fromEnv.isPresent()) {
      return Optional.of(Credential.of(fromEnv.get(), "$" + TOKEN_VARIABLE));
    }
    CliConfig c = config();
    Path configPath = configLocation().path();
    if (c.token().isPresent()) {
      warnIfReadableByOthers(configPath);
      return Optional.of(Credential.of(c.token().get(), "the CLI config " + configPath));
    }
    if (c.tokenFile().isPresent()) {
      Path file = c.tokenFile().get();
      return Optional.of(
          Credential.fromFile(file, "token-file " + file + " (CLI config " + configPath + ")"));
    }
    return Optional.empty();
  }

  private Optional<Credential> safeCredential() {
    try {
      return credential();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Transport safeTransport() {
    try {
      return transport();
    } catch (RuntimeException e) {
      return Transport.PLAINTEXT;
    }
  }

  Duration timeout() {
    return effectiveOptions().timeout().orElse(ClientOptions.DEFAULT_TIMEOUT);
  }

  /** Address, deadline, TLS and token of this invocation. */
  ManagementClient.Connection connection() {
    return new ManagementClient.Connection(serverAddress(), timeout(), transport(), credential());
  }

  ManagementClient connect() {
    return connect(connection());
  }

  ManagementClient connect(ManagementClient.Connection connection) {
    if (connection.credential().isPresent()
        && !connection.transport().tls()
        && !connection.address().loopback()
        && !warned) {
      warned = true;
      err()
          .println(
              "warning: sending a bearer token without TLS to "
                  + connection.address()
                  + "; use --ca-file PEM or --tls");
    }
    return new ManagementClient(connection);
  }

  /** One line for a failed call, with hints about the token and TLS where they may be the cause. */
  String describe(StatusRuntimeException e) {
    ServerAddress server = safeServerAddress();
    if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
      Optional<Credential> used = safeCredential();
      if (used.isEmpty()) {
        return "the server at "
            + server
            + " requires a token and none was given; run 'trestle login --token-file FILE'"
            + " (or pass --token-file FILE, or set "
            + TOKEN_VARIABLE
            + ")";
      }
      String reason =
          RemoteErrors.detail(e)
              .map(d -> RemoteErrors.oneLine(d.getMessage()))
              .filter(m -> !m.isEmpty())
              .orElse(RemoteErrors.oneLine(e.getStatus().getDescription()));
      return "the server at "
          + server
          + " refused the token from "
          + used.get().source()
          + (reason.isEmpty() ? "" : " (" + reason + ")")
          + "; "
          + refusedTokenHint();
    }
    return RemoteErrors.describe(e, server, timeout(), safeTransport());
  }

  /** What to do about a refused token. */
  String refusedTokenHint() {
    return "run 'trestle login' with a valid token";
  }

  private void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        err()
            .println(
                "warning: the CLI config "
                    + file
                    + " holds a token and is readable by others; run 'chmod 600 "
                    + file
                    + "'");
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system, or gone: nothing to say
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** A usage error (exit code 2) reported against this verb. */
  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Prints {@code error: <line>} on stderr. */
  void error(String line) {
    err().println("error: " + line);
  }
}
