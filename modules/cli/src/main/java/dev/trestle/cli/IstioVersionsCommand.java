package dev.trestle.cli;

import dev.trestle.protocol.v1.IstioVersionCluster;
import dev.trestle.protocol.v1.IstioVersionUse;
import dev.trestle.protocol.v1.ListIstioVersionsResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle clusters versions}: the fleet's Istio versions. */
@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Which clusters run which Istio versions, as their edges report them: per version the",
      "clusters with an istiod of that version (and its revisions) and how many proxies run it.",
      "",
      "  VERSION  CLUSTER                        ISTIOD   PROXIES",
      "  1.21.3   organizations/acme/clusters/c1  1-21-3   14",
      "  1.22.1   organizations/acme/clusters/c1  1-22-1   0",
      "",
      "Then clusters without an istiod, and every version-skew warning (docs/upgrades.md)."
    })
final class IstioVersionsCommand extends ClientCommand {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the ListIstioVersions response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    ListIstioVersionsResponse fleet;
    try (ManagementClient client = connect()) {
      fleet = client.listIstioVersions();
    }
    if (output != OutputFormat.table) {
      out().print(StructuredOutput.format(fleet, output));
      return ExitCodes.OK;
    }
    out().print(table(fleet));
    return ExitCodes.OK;
  }

  static String table(ListIstioVersionsResponse fleet) {
    var table = new Table(List.of("VERSION", "CLUSTER", "ISTIOD", "PROXIES"));
    for (IstioVersionUse v : fleet.getVersionsList()) {
      for (IstioVersionCluster c : v.getClustersList()) {
        table.row(
            List.of(
                v.getVersion().isEmpty() ? "unknown" : v.getVersion(),
                c.getCluster(),
                String.join(", ", c.getRevisionsList()),
                Integer.toString(c.getProxies())));
      }
    }
    var out = new StringBuilder(table.render());
    if (fleet.getClustersWithoutIstioCount() > 0) {
      out.append("\nwithout istiod: ")
          .append(String.join(", ", fleet.getClustersWithoutIstioList()))
          .append('\n');
    }
    if (fleet.getWarningsCount() > 0) {
      out.append('\n');
      fleet.getWarningsList().forEach(w -> out.append("! ").append(w).append('\n'));
    }
    return out.toString();
  }
}
