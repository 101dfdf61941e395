package dev.trestle.cli;

import dev.trestle.protocol.v1.ClusterResourceStatus;
import dev.trestle.protocol.v1.ResourceStatus;
import dev.trestle.protocol.v1.SyncState;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trestle status FQN}: where a resource stands in each cluster it is placed in. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show, per cluster, whether a resource's current version is applied there.",
      "",
      "APPLIED: the edge acknowledged a desired-state version that carries it; PENDING: not yet",
      "(the reason says why when known); FAILED: the edge refused it (the NACK reason follows) and",
      "keeps its previous state; ACCEPTED: stored, but no cluster's namespaces match it.",
      "For a parent (tenant, workspace, group), the resources below it are counted; worst wins.",
      "NEEDS is the cluster's first desired-state version that carries the resource's current",
      "version (not the cluster's newest one, which 'trestle clusters' shows as DESIRED); APPLIED",
      "is the version the cluster's edge runs: the resource is applied once APPLIED >= NEEDS.",
      "",
      "Exit status: 0 applied or accepted, 1 failed, 3 pending."
    })
final class StatusCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "FQN",
      description = "The resource, e.g. organizations/acme/tenants/shop.")
  String fqn;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the ResourceStatus response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    ResourceStatus status;
    try (ManagementClient client = connect()) {
      status = client.status(fqn.strip());
    }
    return print(this, status, output);
  }

  static Integer print(ClientCommand command, ResourceStatus status, OutputFormat output) {
    if (output != OutputFormat.table) {
      command.out().print(StructuredOutput.format(status, output));
    } else {
      command
          .out()
          .println(
              status.getFqn()
                  + " version "
                  + status.getResourceVersion()
                  + ": "
                  + name(status.getState()));
      if (status.getClustersCount() > 0) {
        var table = new Table(List.of("CLUSTER", "STATE", "NEEDS", "APPLIED", "COUNTS", "REASON"));
        for (ClusterResourceStatus c : status.getClustersList()) {
          table.row(
              List.of(
                  c.getCluster(),
                  name(c.getState()),
                  Long.toString(c.getDesiredVersion()),
                  Long.toString(c.getAppliedVersion()),
                  c.getCountsMap().entrySet().stream()
                      .map(e -> e.getKey() + "=" + e.getValue())
                      .sorted()
                      .collect(Collectors.joining(" ")),
                  c.getReason()));
        }
        command.out().print(table.render());
      }
    }
    return switch (status.getState()) {
      case SYNC_FAILED -> ExitCodes.FAILURE;
      case SYNC_PENDING -> ExitCodes.PENDING;
      default -> ExitCodes.OK;
    };
  }

  static String name(SyncState s) {
    return s.name().startsWith("SYNC_") ? s.name().substring("SYNC_".length()) : s.name();
  }
}
