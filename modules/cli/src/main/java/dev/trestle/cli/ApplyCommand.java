package dev.trestle.cli;

import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
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
      "the server is called: bad input changes nothing."
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
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (one line per document, default), json or yaml (the full response).")
  OutputFormat output = OutputFormat.table;

  @Override
  public Integer call() {
    if (!input.given()) {
      throw usage("apply needs -f FILE|DIR|-");
    }
    InputFiles.Result read = Inputs.readOrReport(this, input.files);
    if (read == null) {
      return ExitCodes.FAILURE;
    }
    ApplyResponse response;
    try (ManagementClient client = connect()) {
      response =
          client.apply(
              ApplyRequest.newBuilder()
                  .addAllResources(read.resources())
                  .setDryRun(dryRun)
                  .setStopOnError(stopOnError)
                  .build());
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
    return ExitCodes.OK;
  }
}
