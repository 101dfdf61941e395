package dev.trestle.cli;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.HistoryResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trestle history FQN | KIND NAME}: every version of one resource, newest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show every version of one resource, newest first: who made it, when, and what changed.",
      "Works for deleted resources too; 'trestle get FQN --version N' shows a version in full.",
      "",
      "  trestle history FQN",
      "  trestle history KIND NAME [--org ...]   parents from the flags or the CLI config, else",
      "                                          searched for among the live resources (a",
      "                                          deleted one needs its FQN or every parent flag)",
      "",
      "Table columns: VERSION, TIME (RFC 3339, UTC), PRINCIPAL, OP (create, update, delete),",
      "SUMMARY. With --changes each field change follows its row as",
      "    PATH: BEFORE -> AFTER        values as JSON, (none) when absent"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the history was shown",
      "1:the resource never existed, or the server could not be asked",
      "2:usage error"
    })
final class HistoryCommand extends ClientCommand {
  @Parameters(
      index = "0",
      paramLabel = "FQN|KIND",
      description = "The FQN of the resource, or its kind followed by NAME.")
  String first;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME",
      description = "Name (or FQN) of the resource, after KIND.")
  String second;

  @Mixin ParentOptions parents;

  @Option(
      names = "--changes",
      description = "Table: list each version's field changes under its row (json/yaml always do).")
  boolean changes;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), json or yaml (the full response, changes included).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    Targets.Target target = target();
    HistoryResponse response;
    try (ManagementClient client = connect()) {
      Fqn fqn =
          target instanceof Targets.Exact exact
              ? exact.fqn()
              : search(client, (Targets.Search) target);
      response = client.history(fqn.toString());
    }
    if (output == OutputFormat.table) {
      out().print(AuditTables.history(response.getEntriesList(), changes));
    } else {
      out().print(StructuredOutput.format(response, output));
    }
    return ExitCodes.OK;
  }

  private Targets.Target target() {
    try {
      if (Targets.looksLikeFqn(first)) {
        if (second != null) {
          throw usage("give either an FQN or KIND NAME, not both");
        }
        return new Targets.Exact(Targets.fqn(first));
      }
      Kind kind = Targets.kind(first);
      if (second == null) {
        throw usage("history " + first + " needs a NAME (or give the FQN)");
      }
      return Targets.single(kind, second, parents.resolve(config().parents()));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private Fqn search(ManagementClient client, Targets.Search search) {
    String note =
        "; a deleted "
            + Targets.label(search.kind().kindName())
            + " is found only by its FQN or with "
            + ParentOptions.flags(Targets.missingParents(search.kind(), search.parents()));
    return Targets.fqnOf(ResourceSearch.find(client, search, null, note));
  }
}
