package dev.trestle.cli;

import dev.trestle.protocol.v1.TopServicesRequest;
import dev.trestle.protocol.v1.TopServicesResponse;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trestle top services}: the busiest services of a scope (docs/telemetry.md). */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    description = {"The busiest services by request rate: trestle top services [--org ORG]"},
    subcommands = {TopCommand.Services.class})
final class TopCommand extends VerbGroup {
  @Override
  String missing() {
    return "what to rank (services)";
  }

  @Command(
      name = "services",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "The busiest services of a scope over the window, most requests first, from the",
        "telemetry the edges report. Only namespaces your READ bindings cover are shown.",
        "",
        "  SERVICE  NAMESPACE  CLUSTER     RPS    ERRORS  P50    P90    P99",
        "  cart     checkout   eu-west-1a  12.40  0.50%   8.2    41.0   230.5",
        "  scope total: 15.10 req/s, errors 0.41%, p50 7.9, p90 40.2, p99 228.0 ms",
        "",
        "The scope total sums every service of the scope you may see, not only those listed."
      })
  static final class Services extends ClientCommand {
    @Mixin TelemetryScope scope;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most N services (default ${DEFAULT-VALUE}).",
        defaultValue = "10")
    int limit;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml (the TopServices response).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      TopServicesResponse top;
      try (ManagementClient client = connect()) {
        top =
            client.topServices(
                TopServicesRequest.newBuilder()
                    .setScope(scope.fqn())
                    .setRange(scope.range(Instant.now(), null))
                    .setLimit(limit)
                    .build());
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(top, output));
        return ExitCodes.OK;
      }
      if (top.getServicesCount() == 0) {
        err().println("no traffic reported in this scope and window");
        return ExitCodes.OK;
      }
      out().print(TrafficTable.services(top.getServicesList()).render());
      List<String> total = TrafficTable.figures(top.getTotal());
      out()
          .printf(
              "scope total: %s req/s, errors %s, p50 %s, p90 %s, p99 %s ms%n",
              total.get(0), total.get(1), total.get(2), total.get(3), total.get(4));
      return ExitCodes.OK;
    }
  }
}
