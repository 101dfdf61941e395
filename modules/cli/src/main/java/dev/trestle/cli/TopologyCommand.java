package dev.trestle.cli;

import dev.trestle.protocol.v1.TopologyEdge;
import dev.trestle.protocol.v1.TopologyRequest;
import dev.trestle.protocol.v1.TopologyResponse;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trestle topology}: who calls whom in a scope, across clusters. */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The services of a scope and the calls between them over the window: nodes are",
      "name.namespace@cluster, external:HOST or unknown (what you may not see); each call has",
      "its rate, 5xx ratio, p99 and whether it crosses clusters.",
      "",
      "  trestle topology --org acme -o dot | dot -Tsvg > mesh.svg"
    })
final class TopologyCommand extends ClientCommand {
  /** Output forms of this verb: Graphviz besides the usual ones. */
  enum Format {
    table,
    json,
    yaml,
    dot
  }

  @Mixin TelemetryScope scope;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json, yaml (the Topology response) or dot (Graphviz).")
  Format output = Format.table;

  @Override
  public Integer call() {
    TopologyResponse topology;
    try (ManagementClient client = connect()) {
      topology =
          client.topology(
              TopologyRequest.newBuilder()
                  .setScope(scope.fqn())
                  .setRange(scope.range(Instant.now(), null))
                  .build());
    }
    switch (output) {
      case json -> out().print(StructuredOutput.format(topology, OutputFormat.json));
      case yaml -> out().print(StructuredOutput.format(topology, OutputFormat.yaml));
      case dot -> out().print(dot(topology));
      case table -> {
        var table =
            new Table(List.of("SOURCE", "DESTINATION", "RPS", "ERRORS", "P99", "CROSS-CLUSTER"));
        for (TopologyEdge e : topology.getEdgesList()) {
          table.row(
              List.of(
                  e.getSource(),
                  e.getDestination(),
                  String.format(Locale.ROOT, "%.2f", e.getRequestsPerSecond()),
                  String.format(Locale.ROOT, "%.2f%%", 100 * e.getErrorRatio()),
                  String.format(Locale.ROOT, "%.1f", e.getP99Ms()),
                  e.getCrossCluster() ? "yes" : ""));
        }
        out().print(table.render());
      }
    }
    return ExitCodes.OK;
  }

  /** Graphviz: one node per id, edges labelled rps / error % / p99, cross-cluster ones dashed. */
  static String dot(TopologyResponse t) {
    var b = new StringBuilder("digraph trestle {\n  rankdir=LR;\n");
    t.getNodesList()
        .forEach(
            n ->
                b.append("  ")
                    .append(quote(n.getId()))
                    .append(" [shape=")
                    .append(n.getKind().equals("SERVICE") ? "box" : "ellipse")
                    .append("];\n"));
    for (TopologyEdge e : t.getEdgesList()) {
      b.append("  ")
          .append(quote(e.getSource()))
          .append(" -> ")
          .append(quote(e.getDestination()))
          .append(" [label=")
          .append(
              quote(
                  String.format(
                      Locale.ROOT,
                      "%.2f rps / %.1f%% / p99 %.0f ms",
                      e.getRequestsPerSecond(),
                      100 * e.getErrorRatio(),
                      e.getP99Ms())))
          .append(e.getCrossCluster() ? ", style=dashed" : "")
          .append("];\n");
    }
    return b.append("}\n").toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
