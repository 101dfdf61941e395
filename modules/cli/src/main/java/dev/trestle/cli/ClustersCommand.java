package dev.trestle.cli;

import dev.trestle.protocol.v1.ClusterInfo;
import dev.trestle.protocol.v1.ListClustersResponse;
import dev.trestle.protocol.v1.XdsRejection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle clusters}: every cluster you may see, with its edge's health and versions. */
@Command(
    name = "clusters",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    subcommands = {IstioVersionsCommand.class},
    description = {
      "List clusters with their edge's health, last heartbeat, agent version, and the desired",
      "vs applied desired-state version.",
      "",
      "  NAME  HEALTH   EDGE       LAST HEARTBEAT  AGENT  DESIRED  APPLIED  FAILED  XDS",
      "  c1    HEALTHY  connected  2s ago          0.1.0  7        7",
      "",
      "DESIRED is the cluster's newest desired-state version, APPLIED the one its edge runs.",
      "FAILED shows a version the edge refused (NACK) and why; the edge keeps its previous one.",
      "EDGE says \"2nd agent refused AGE\" when central recently refused a second agent for the",
      "cluster while another held its session (a leftover pod, a copied token); -o json has why.",
      "XDS shows an xDS response a proxyless client of the edge rejected (NACK) and still rejects:",
      "\"xds NACK: TYPE vVERSION: ERROR\" (+N more); -o json lists them all (xdsRejections).",
      "",
      "-o wide adds the cluster's Istio as its edge reports it: ISTIOD (revision=version, \"!\"",
      "when not ready), TAGS (tag>revision) and PROXIES (version:count), and prints each Istio",
      "version-skew warning under its cluster (\"  ! 3 proxies at 1.19.0 ... lag istiod\").",
      "trestle clusters versions: which clusters run which Istio versions (docs/upgrades.md)."
    })
final class ClustersCommand extends ClientCommand {
  /** How long a refused second agent stays visible in the EDGE column. */
  private static final Duration CONFLICT_SHOWN = Duration.ofMinutes(10);

  /** {@code -o}: the shared formats plus {@code wide}. */
  enum Format {
    table,
    wide,
    json,
    yaml
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), wide (plus Istio), json or yaml (the ListClusters response).")
  Format output = Format.table;

  @Override
  public Integer call() {
    ListClustersResponse clusters;
    try (ManagementClient client = connect()) {
      clusters = client.listClusters();
    }
    if (output == Format.json || output == Format.yaml) {
      out().print(StructuredOutput.format(clusters, OutputFormat.valueOf(output.name())));
      return ExitCodes.OK;
    }
    if (clusters.getClustersCount() == 0) {
      err()
          .println(
              "no clusters (create a Cluster resource, then mint its join token: trestle cluster"
                  + " token NAME)");
      return ExitCodes.OK;
    }
    out().print(table(clusters, Instant.now(), output == Format.wide));
    return ExitCodes.OK;
  }

  static String table(ListClustersResponse clusters, Instant now) {
    return table(clusters, now, false);
  }

  static String table(ListClustersResponse clusters, Instant now, boolean wide) {
    var headers =
        new ArrayList<>(
            List.of(
                "NAME",
                "HEALTH",
                "EDGE",
                "LAST HEARTBEAT",
                "AGENT",
                "DESIRED",
                "APPLIED",
                "FAILED",
                "XDS"));
    if (wide) {
      headers.addAll(IstioColumns.HEADERS);
    }
    var table = new Table(headers);
    for (ClusterInfo c : clusters.getClustersList()) {
      var cells =
          new ArrayList<>(
              List.of(
                  c.getFqn(),
                  c.getHealth().name().substring("CLUSTER_".length()),
                  edge(c, now),
                  c.hasLastHeartbeat() ? Ages.since(c.getLastHeartbeat(), now) : "never",
                  c.getAgentVersion(),
                  Long.toString(c.getDesiredVersion()),
                  Long.toString(c.getAppliedVersion()),
                  c.getFailedVersion() == 0
                      ? ""
                      : c.getFailedVersion() + ": " + c.getFailedReason(),
                  xds(c)));
      if (wide) {
        cells.addAll(IstioColumns.cells(c.getInventory().getIstio()));
        table.row(cells, c.getIstioWarningsList().stream().map(w -> "  ! " + w).toList());
      } else {
        table.row(cells);
      }
    }
    return table.render();
  }

  /** The oldest xDS NACK standing at the edge, and how many more there are; empty when none. */
  private static String xds(ClusterInfo c) {
    if (c.getXdsRejectionsCount() == 0) {
      return "";
    }
    XdsRejection r = c.getXdsRejections(0);
    String type = r.getTypeUrl().substring(r.getTypeUrl().lastIndexOf('.') + 1);
    String shown = "xds NACK: " + type + " v" + r.getVersion() + ": " + r.getError();
    int more = c.getXdsRejectionsCount() - 1;
    return more == 0 ? shown : shown + " (+" + more + " more)";
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
