package dev.trestle.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A verb that talks to the management API: resolves connection settings, prints results. */
public abstract class ClientCommand implements Callable<Integer> {
  @ParentCommand TrestleCli root;

  @Spec CommandSpec spec;

  @Mixin ClientOptions options;

  private CliConfig config;

  /** The exit code for a failure of this verb ({@link ExitCodes#FAILURE}; diff overrides it). */
  int errorExitCode() {
    return ExitCodes.FAILURE;
  }

  ClientOptions effectiveOptions() {
    return ClientOptions.merge(root.options, options);
  }

  /** The CLI config file (loaded once; empty when the default file does not exist). */
  CliConfig config() {
    if (config == null) {
      config = CliConfig.load(CliConfig.locate(effectiveOptions().config(), root.environment()));
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

  Duration timeout() {
    return effectiveOptions().timeout().orElse(ClientOptions.DEFAULT_TIMEOUT);
  }

  ManagementClient connect() {
    return new ManagementClient(serverAddress(), timeout());
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
