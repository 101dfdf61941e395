package dev.trestle.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code trestle}: the root command and its client verbs. The {@code server} and {@code edge} verbs
 * run other modules' programs; modules/launcher adds them ({@link #execute(String[],
 * CliEnvironment, List, PrintWriter, PrintWriter)}), so this module depends on the protocol only.
 */
@Command(
    name = "trestle",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Trestle: multi-cluster service-mesh management plane.",
      "",
      "'trestle server' runs the central server, 'trestle edge' a cluster's edge agent; every",
      "other verb talks to one through its management API (--server, default 127.0.0.1:9080),",
      "authenticated by a bearer token: --token-file FILE, else $TRESTLE_TOKEN, else the CLI",
      "config ('trestle login' saves it there)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure; a one-line reason is printed on stderr as 'error: ...'",
      "2:usage error (unknown verb, option or kind; malformed argument; an audit filter the server"
          + " rejects)",
      "  :'diff' differs: 0 no differences, 1 differences found, 2 error"
    },
    footer = {
      "",
      "CLI config (--config, $TRESTLE_CONFIG, $XDG_CONFIG_HOME/trestle/cli.yaml or"
          + " $HOME/.config/trestle/cli.yaml), all keys optional:",
      "  server: 127.0.0.1:9080",
      "  token: trst....           # written by 'trestle login'; or token-file: FILE",
      "  ca-file: data/tls/ca.pem  # TLS trusting this PEM; or tls: true (system CAs)",
      "  organization: acme        # defaults for --org/--tenant/--workspace/--group",
      "  tenant: payments",
      "",
      "Examples:",
      "  trestle server --data-dir ./data",
      "  trestle edge --cluster c1 --central 127.0.0.1:9081 --token-file c1.token --inventory"
          + " examples/edge/c1-inventory.yaml",
      "  trestle login --token-file data/admin.token",
      "  trestle apply -f examples/acme/",
      "  trestle get tenants --org acme",
      "  trestle get organizations/acme/tenants/payments -o yaml",
      "  trestle diff -f changed.yaml",
      "  trestle delete tenant payments --org acme --cascade",
      "  trestle audit --resource organizations/acme -r --since 1h",
      "  trestle history tenant payments --org acme --changes",
      "  trestle get organizations/acme/tenants/payments --version 2 -o yaml",
      "  trestle iam create-user alice",
      "  trestle iam bind organizations/acme/tenants/payments --role reader --subject users/alice",
      "  trestle can-i organizations/acme/tenants/payments --as users/alice"
    })
public final class TrestleCli implements Callable<Integer>, ClientOptions.Holder {
  /** The client verbs, in the order help lists them (after the launcher's process verbs). */
  private static final List<Class<?>> CLIENT_VERBS =
      List.of(
          ApplyCommand.class,
          GetCommand.class,
          DeleteCommand.class,
          DiffCommand.class,
          AuditCommand.class,
          HistoryCommand.class,
          LoginCommand.class,
          LogoutCommand.class,
          WhoAmICommand.class,
          CanICommand.class,
          IamCommand.class,
          ClustersCommand.class,
          ServicesCommand.class,
          TopCommand.class,
          TrafficCommand.class,
          TopologyCommand.class,
          ClusterCommand.class,
          GitOpsCommand.class,
          RolloutsCommand.class,
          StatusCommand.class,
          WaitCommand.class,
          HelpCommand.class);

  @Mixin ClientOptions options;

  @Spec CommandSpec spec;

  private final CliEnvironment environment;

  public TrestleCli(CliEnvironment environment) {
    this.environment = environment;
  }

  CliEnvironment environment() {
    return environment;
  }

  @Override
  public ClientOptions clientOptions() {
    return options;
  }

  @Override
  public Integer call() {
    return MissingVerb.report(spec, "verb");
  }

  /** Runs one command line of client verbs and returns its exit code. */
  public static int execute(String[] args, CliEnvironment env, PrintWriter out, PrintWriter err) {
    return execute(args, env, List.of(), out, err);
  }

  /**
   * Runs one command line and returns its exit code; nothing here calls System.exit. {@code
   * processVerbs} ({@code @Command} classes or instances) come before the client verbs.
   */
  public static int execute(
      String[] args,
      CliEnvironment env,
      List<Object> processVerbs,
      PrintWriter out,
      PrintWriter err) {
    CommandLine cli = commandLine(env, processVerbs);
    cli.setOut(out);
    cli.setErr(err);
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  static CommandLine commandLine(CliEnvironment env) {
    return commandLine(env, List.of());
  }

  /**
   * The root command; settings come after the verbs, since picocli copies them to those present.
   */
  public static CommandLine commandLine(CliEnvironment env, List<Object> processVerbs) {
    CommandLine root = new CommandLine(new TrestleCli(env));
    processVerbs.forEach(root::addSubcommand);
    CLIENT_VERBS.forEach(root::addSubcommand);
    return root.setCaseInsensitiveEnumValuesAllowed(true)
        .setUsageHelpWidth(100)
        .setExecutionStrategy(TrestleCli::executeParsed)
        .setParameterExceptionHandler(TrestleCli::usageError)
        .setExecutionExceptionHandler(TrestleCli::failure);
  }

  private static int executeParsed(ParseResult parsed) {
    ParseResult last = parsed;
    while (last.subcommand() != null) {
      last = last.subcommand();
    }
    TrestleCli root = parsed.commandSpec().commandLine().getCommand();
    LoggingSetup.forVerb(last.commandSpec().name(), verbose(parsed), root.environment());
    return new CommandLine.RunLast().execute(parsed);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + RemoteErrors.oneLine(e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    return ExitCodes.USAGE;
  }

  private static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    Object command = cmd.getCommand();
    int code = command instanceof ClientCommand c ? c.errorExitCode() : ExitCodes.FAILURE;
    boolean verbose = verbose(parsed);
    err.println("error: " + message(e, command, verbose));
    if (verbose) {
      e.printStackTrace(err);
    }
    return code;
  }

  private static String message(Exception e, Object command, boolean verbose) {
    if (e instanceof CliException) {
      return RemoteErrors.oneLine(e.getMessage());
    }
    if (e instanceof StatusRuntimeException sre && command instanceof ClientCommand c) {
      return c.describe(sre);
    }
    String text = e.getMessage() == null ? "" : ": " + RemoteErrors.oneLine(e.getMessage());
    return e.getClass().getSimpleName()
        + text
        + (verbose ? "" : " (run with --verbose for the stack trace)");
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
