package dev.trestle.cli;

import dev.trestle.protocol.v1.CatalogService;
import dev.trestle.protocol.v1.ListServicesResponse;
import dev.trestle.protocol.v1.ServiceInstance;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trestle services}: the service catalog, one row per service and cluster. */
@Command(
    name = "services",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "List the service catalog: per service (namespace/name), the clusters running it with",
      "their healthy/total endpoints, the east-west gateway other clusters reach it through,",
      "network, locality and the cluster's health. ROUTABLE: other clusters get an endpoint for",
      "it (cluster not UNHEALTHY, healthy endpoints > 0, a gateway, and not failing: 'no (errors)'",
      "when central's telemetry marked it failing by its error ratio). See docs/multicluster.md.",
      "",
      "  SERVICE       CLUSTER  HEALTH   HEALTHY  GATEWAY          NETWORK  LOCALITY  ROUTABLE",
      "  payments/pay  c1       HEALTHY  2/3      10.0.0.1:15443   n1       r1/z1     yes"
    })
final class ServicesCommand extends ClientCommand {
  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Only services in this namespace.")
  String namespace = "";

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the ListServices response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    ListServicesResponse services;
    try (ManagementClient client = connect()) {
      services = client.listServices(namespace);
    }
    if (output != OutputFormat.table) {
      out().print(StructuredOutput.format(services, output));
      return ExitCodes.OK;
    }
    if (services.getServicesCount() == 0) {
      err().println("no services (edges report them in their inventory; see trestle clusters)");
      return ExitCodes.OK;
    }
    boolean manyOrgs =
        services.getServicesList().stream().map(CatalogService::getOrganization).distinct().count()
            > 1;
    var table =
        new Table(
            List.of(
                "SERVICE",
                "CLUSTER",
                "HEALTH",
                "HEALTHY",
                "GATEWAY",
                "NETWORK",
                "LOCALITY",
                "ROUTABLE"));
    for (CatalogService s : services.getServicesList()) {
      String name =
          (manyOrgs ? s.getOrganization() + ":" : "") + s.getNamespace() + "/" + s.getName();
      for (ServiceInstance i : s.getClustersList()) {
        String locality =
            i.getLocality().getRegion()
                + (i.getLocality().getZone().isEmpty() ? "" : "/" + i.getLocality().getZone());
        table.row(
            List.of(
                name,
                i.getClusterName(),
                i.getHealth().name().substring("CLUSTER_".length()),
                i.getHealthyEndpoints() + "/" + i.getEndpoints(),
                i.getGatewayAddress().isEmpty()
                    ? ""
                    : i.getGatewayAddress() + ":" + i.getGatewayPort(),
                i.getNetwork(),
                locality,
                i.getRoutable() ? "yes" : i.getFailing() ? "no (errors)" : "no"));
      }
    }
    out().print(table.render());
    return ExitCodes.OK;
  }
}
