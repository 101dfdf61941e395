package dev.trestle.cli;

import dev.trestle.protocol.v1.ServiceTraffic;
import dev.trestle.protocol.v1.ServiceTrafficRequest;
import dev.trestle.protocol.v1.ServiceTrafficResponse;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trestle traffic SERVICE}: one service's rate, errors and latency per cluster. */
@Command(
    name = "traffic",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Requests/s, 5xx ratio and p50/p90/p99 latency of one service in each cluster, over the",
      "window (and, with --step, per step), from the telemetry the edges report.",
      "",
      "  trestle traffic cart.checkout --window 1h --step 5m",
      "  trestle traffic cart --cluster eu-west-1a -o json"
    })
final class TrafficCommand extends ClientCommand {
  @Parameters(paramLabel = "SERVICE", description = "name, name.namespace or FQDN")
  String service;

  @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Only this cluster.")
  String cluster = "";

  @Option(
      names = "--step",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "One row per step (minutes; hours for ranges past the minutes' retention).")
  Duration step;

  @Mixin TelemetryScope scope;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the ServiceTraffic response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    ServiceTrafficResponse traffic;
    try (ManagementClient client = connect()) {
      traffic =
          client.serviceTraffic(
              ServiceTrafficRequest.newBuilder()
                  .setScope(scope.fqn())
                  .setService(service)
                  .setCluster(cluster)
                  .setRange(scope.range(Instant.now(), step))
                  .build());
    }
    if (output != OutputFormat.table) {
      out().print(StructuredOutput.format(traffic, output));
      return ExitCodes.OK;
    }
    if (traffic.getServicesCount() == 0) {
      err().println("no traffic reported for " + service + " in this window (or not yours to see)");
      return ExitCodes.OK;
    }
    out().print(TrafficTable.services(traffic.getServicesList()).render());
    if (step != null) {
      for (ServiceTraffic s : traffic.getServicesList()) {
        out().println();
        out().println(s.getService() + "." + s.getNamespace() + "@" + s.getCluster());
        out().print(TrafficTable.points(s).render());
      }
    }
    return ExitCodes.OK;
  }
}
