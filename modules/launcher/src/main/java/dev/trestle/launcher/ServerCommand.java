package dev.trestle.launcher;

import dev.trestle.app.ServerArgs;
import dev.trestle.app.TrestleServer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trestle server}: runs the central server in this process until it is stopped. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the central Trestle server (management API, edge sync, health and metrics).",
      "Single node on loopback with an embedded H2 database unless --profile or the config file",
      "says otherwise (--profile postgres: PostgreSQL at trestle.storage.postgres.url).",
      "Flags override the config file; unset ones keep its values or the defaults below.",
      "Secure by default: every API call needs a bearer token. On the first start the server",
      "creates users/admin and writes its token to <data-dir>/admin.token (mode 0600); use it",
      "with 'trestle login --token-file <data-dir>/admin.token'."
    })
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Server configuration file.")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the embedded database lives (default: ./data).")
  Path dataDir;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description =
          "Storage profile: embedded (H2 under --data-dir) or postgres (trestle.storage.postgres.*,"
              + " TRESTLE_POSTGRES_URL/_USER/_PASSWORD[_FILE]). Same as TRESTLE_STORAGE_PROFILE."
              + " Default: embedded.")
  String profile;

  @Option(
      names = "--api-port",
      paramLabel = "PORT",
      description = "Management API port: gRPC and REST (default: 9080).")
  Integer apiPort;

  @Option(
      names = "--edge-port",
      paramLabel = "PORT",
      description = "Edge sync gRPC port (default: 9081).")
  Integer edgePort;

  @Option(
      names = "--management-port",
      paramLabel = "PORT",
      description = "Health, readiness and Prometheus metrics port (default: 8558).")
  Integer managementPort;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description =
          "Pekko remoting port of this central node, which the other nodes and"
              + " trestle.cluster.seed-nodes name (default: 0 = any free port, for a single node).")
  Integer clusterPort;

  @Option(
      names = "--insecure-dev",
      description =
          "No authentication: every caller is an admin (users/dev, or the x-trestle-user header)."
              + " For throw-away local experiments only; never expose such a server. Same as"
              + " TRESTLE_SECURITY_MODE=insecure-dev. Default: secure (bearer tokens; the first"
              + " start writes the admin token to <data-dir>/admin.token).")
  boolean insecureDev;

  @Override
  public Integer call() {
    return TrestleServer.run(args());
  }

  ServerArgs args() {
    if (config != null && !config.toFile().isFile()) {
      throw new ParameterException(spec.commandLine(), "--config: " + config + ": no such file");
    }
    return new ServerArgs(
            Optional.ofNullable(config),
            Optional.ofNullable(dataDir),
            port("--api-port", apiPort),
            port("--edge-port", edgePort),
            port("--management-port", managementPort))
        .withInsecureDev(insecureDev)
        .withProfile(Optional.ofNullable(profile))
        .withClusterPort(port("--cluster-port", clusterPort));
  }

  /** 0 asks for an ephemeral port (tests); anything else must be a valid TCP port. */
  private Optional<Integer> port(String option, Integer value) {
    if (value != null && (value < 0 || value > 65535)) {
      throw new ParameterException(
          spec.commandLine(), option + ": " + value + " is not a port (0-65535)");
    }
    return Optional.ofNullable(value);
  }
}
