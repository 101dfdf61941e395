package dev.trestle.cli;

import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.ListClustersResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle clusters}: every cluster you may see, with its edge's health and versions. */
@Command(
    name = "clusters",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "List clusters with their edge's health, last heartbeat, agent version, and the desired",
      "vs applied desired-state version.",
      "",
      "  NAME  HEALTH   EDGE       LAST HEARTBEAT  AGENT  DESIRED  APPLIED  FAILED",
      "  c1    HEALTHY  connected  2s ago          0.1.0  7        7",
      "",
      "DESIRED is the cluster's newest desired-state version, APPLIED the one its edge runs.",
      "FAILED shows a version the edge refused (NACK) and why; the edge keeps its previous one.",
      "EDGE says \"2nd agent refused AGE\" when central recently refused a second agent for the",
      "cluster while another held its session (a leftover pod, a copied token); -o json has why."
    })
final class ClustersCommand extends ClientCommand {
  /** How long a refused second agent stays visible in the EDGE column. */
  private static final Duration CONFLICT_SHOWN = Duration.ofMinutes(10);

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the ListClusters response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    ListClustersResponse clusters;
    try (ManagementClient client = connect()) {
      clusters = client.listClusters();
    }
    if (output != OutputFormat.table) {
      out().print(StructuredOutput.format(clusters, output));
      return ExitCodes.OK;
    }
    if (clusters.getClustersCount() == 0) {
      err()
          .println(
              "no clusters (create a Cluster resource, then mint its join token: trestle cluster"
                  + " token NAME)");
      return ExitCodes.OK;
    }
    var table =
        new Table(
            List.of(
                "NAME",
                "HEALTH",
                "EDGE",
                "LAST HEARTBEAT",
                "AGENT",
                "DESIRED",
                "APPLIED",
                "FAILED"));
    Instant now = Instant.now();
    for (ClusterInfo c : clusters.getClustersList()) {
      table.row(
          List.of(
              c.getFqn(),
              c.getHealth().name().substring("CLUSTER_".length()),
              edge(c, now),
              c.hasLastHeartbeat() ? Ages.since(c.getLastHeartbeat(), now) : "never",
              c.getAgentVersion(),
              Long.toString(c.getDesiredVersion()),
              Long.toString(c.getAppliedVersion()),
              c.getFailedVersion() == 0 ? "" : c.getFailedVersion() + ": " + c.getFailedReason()));
    }
    out().print(table.render());
    return ExitCodes.OK;
  }

  private static String edge(ClusterInfo c, Instant now) {
    String edge = c.getConnected() ? "connected" : "disconnected";
    if (c.hasSessionConflictAt()
        && Duration.between(
                    Instant.ofEpochSecond(
                        c.getSessionConflictAt().getSeconds(), c.getSessionConflictAt().getNanos()),
                    now)
                .compareTo(CONFLICT_SHOWN)
            < 0) {
      edge += ", 2nd agent refused " + Ages.since(c.getSessionConflictAt(), now);
    }
    return edge;
  }
}
