package dev.trestle.cli;

import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.SyncState;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trestle wait FQN --for applied --timeout 60s}: for CI pipelines. */
@Command(
    name = "wait",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Wait until a resource's current version is applied in every cluster it is placed in.",
      "",
      "--timeout DURATION (the global option) is how long to wait: default 60s, at most 10m.",
      "Returns as soon as it is applied everywhere (exit 0), refused by an edge (exit 1, with the",
      "NACK reason), or when the timeout passes (exit 3, with what is still pending).",
      "",
      "  trestle apply -f routes.yaml && trestle wait organizations/acme/.../serviceroutes/r"
          + " --timeout 2m"
    })
final class WaitCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "FQN", description = "The resource to wait for.")
  String fqn;

  @Option(names = "--for", paramLabel = "CONDITION", description = "Only 'applied' (the default).")
  String condition = "applied";

  // --timeout is the global client option; for wait it is how long to wait (default 60s).
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the final ResourceStatus).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    if (!condition.strip().equalsIgnoreCase("applied")) {
      throw usage("--for: only 'applied' can be waited for, not '" + condition + "'");
    }
    Duration waitFor = effectiveOptions().timeout().orElse(DEFAULT_WAIT);
    if (waitFor.compareTo(Duration.ofMinutes(10)) > 0) {
      throw usage("--timeout: at most 10m");
    }
    ResourceStatus status;
    try (ManagementClient client = connect()) {
      status = client.waitForApplied(fqn.strip(), waitFor);
    }
    int code = StatusCommand.print(this, status, output);
    if (status.getState() == SyncState.SYNC_PENDING) {
      err().println("timed out after " + Ages.format(waitFor) + ": not applied everywhere yet");
    } else if (status.getState() == SyncState.SYNC_ACCEPTED) {
      err()
          .println(
              status.getFqn() + " is not placed in any cluster: no cluster's namespaces match it");
      code = ExitCodes.PENDING;
    }
    return code;
  }
}
