package dev.trestle.cli;

import dev.trestle.protocol.PrunePlan;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trestle apply -f ...}: creates or updates every document in one request. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Create or update the resources described in YAML/JSON documents.",
      "All documents go to the server in one request; it applies parents first and reports",
      "each document's outcome. A document that cannot be read stops everything before",
      "the server is called: bad input changes nothing.",
      "",
      "For CI pipelines without a GitOps reconciler: --owner NAME labels every document",
      "trestle.dev/owner=NAME, and --prune then deletes the resources NAME owns that the files",
      "no longer hold (deepest first, never deletion-protected ones; refused as a whole when it",
      "would delete more than --max-delete-percent of them). Only after every document applied.",
      "",
      "  trestle apply -f config/ --owner ci-shop --prune"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every document was created, updated or unchanged",
      "1:a document could not be read, or the server refused one or more documents",
      "2:usage error"
    })
final class ApplyCommand extends ClientCommand {
  @Mixin FileOptions input;

  @Option(names = "--dry-run", description = "Validate and show what would happen; change nothing.")
  boolean dryRun;

  @Option(
      names = "--stop-on-error",
      description = "Stop at the first failed document instead of applying the independent rest.")
  boolean stopOnError;

  @Option(
      names = "--owner",
      paramLabel = "NAME",
      description =
          "Label every document trestle.dev/owner=NAME (a label value); with --prune, what NAME"
              + " owns and the files no longer hold is deleted.")
  String owner;

  @Option(
      names = "--prune",
      description =
          "With --owner: delete owned resources missing from the files, deepest first, never"
              + " deletion-protected ones (docs/gitops.md).")
  boolean prune;

  @Option(
      names = "--max-delete-percent",
      paramLabel = "N",
      description = "With --prune: refuse to delete more than N% of the owned resources (25).")
  int maxDeletePercent = PrunePlan.DEFAULT_MAX_DELETE_PERCENT;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (one line per document, default), json or yaml (the full response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    if (!input.given()) {
      throw usage("apply needs -f FILE|DIR|-");
    }
    if (prune && owner == null) {
      throw usage("--prune needs --owner NAME (only what NAME owns is ever pruned)");
    }
    if (maxDeletePercent < 1 || maxDeletePercent > 100) {
      throw usage("--max-delete-percent must be between 1 and 100");
    }
    InputFiles.Result read = Inputs.readOrReport(this, input.files);
    if (read == null) {
      return ExitCodes.FAILURE;
    }
    var documents =
        owner == null ? read.resources() : OwnerPrune.labelled(read.resources(), owner.strip());
    ApplyResponse response;
    OwnerPrune.Outcome pruned = null;
    try (ManagementClient client = connect()) {
      response =
          client.apply(
              ApplyRequest.newBuilder()
                  .addAllResources(documents)
                  .setDryRun(dryRun)
                  .setStopOnError(stopOnError)
                  .build());
      boolean applied = response.getResultsList().stream().noneMatch(r -> r.hasError());
      if (prune && applied) {
        pruned =
            OwnerPrune.prune(client, documents, owner.strip(), maxDeletePercent, false, dryRun);
      }
    }
    var report = new ApplyReport(read.documents(), response, dryRun);
    if (output == OutputFormat.table) {
      report.lines().forEach(out()::println);
    } else {
      out().print(StructuredOutput.format(response, output));
    }
    if (report.failures() > 0) {
      error(report.summary());
      return ExitCodes.FAILURE;
    }
    if (pruned != null) {
      PrintWriter prunes = output == OutputFormat.table ? out() : err();
      pruned.lines().forEach(prunes::println);
      if (pruned.refusal() != null) {
        error("prune refused: " + pruned.refusal());
        return ExitCodes.FAILURE;
      }
      if (pruned.failures() > 0) {
        error(pruned.failures() + " owned resource(s) could not be pruned");
        return ExitCodes.FAILURE;
      }
    }
    return ExitCodes.OK;
  }
}
