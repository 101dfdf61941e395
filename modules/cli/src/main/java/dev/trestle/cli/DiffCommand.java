package dev.trestle.cli;

import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.ImpactResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trestle diff -f ...}: what an apply would change, from a dry run on the server. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show what 'apply' would change, without changing anything (a server-side dry run).",
      "",
      "  + FQN (new)                 the resource would be created",
      "  ~ FQN                       it would be updated; then one line per changed field:",
      "      PATH: BEFORE -> AFTER   values as JSON, (none) when absent",
      "",
      "Unchanged resources print nothing. Problems go to stderr as 'error: ...'.",
      "",
      "With --impact, then per cluster whose desired state would change (the server translates",
      "the would-be configuration):",
      "  cluster FQN (desired version N):",
      "    + KIND NAMESPACE/NAME (API)  an Istio object would be created; its JSON follows",
      "    ~ KIND NAMESPACE/NAME (API)  it would change; one line per changed field",
      "    - KIND NAMESPACE/NAME (API)  it would be deleted",
      "    ! SOURCE: MESSAGE            a translator diagnostic about a document"
    },
    exitCodeListHeading = "%nExit codes (as kubectl diff):%n",
    exitCodeList = {
      "0:no differences",
      "1:differences found",
      "2:error: unreadable input, a document the server would refuse, server unreachable, or usage"
    })
final class DiffCommand extends ClientCommand {
  @Mixin FileOptions input;

  @Option(
      names = "--impact",
      description = "Also show the Istio objects each cluster would get, change or lose.")
  boolean impact;

  @Override
  int errorExitCode() {
    return ExitCodes.DIFF_ERROR;
  }

  @Override
  public Integer call() {
    if (!input.given()) {
      throw usage("diff needs -f FILE|DIR|-");
    }
    InputFiles.Result read = Inputs.readOrReport(this, input.files);
    if (read == null) {
      return ExitCodes.DIFF_ERROR;
    }
    var request =
        ApplyRequest.newBuilder().addAllResources(read.resources()).setDryRun(true).build();
    ApplyResponse response;
    ImpactResponse impacts = null;
    try (ManagementClient client = connect()) {
      if (impact) {
        impacts = client.previewImpact(request);
        response =
            ApplyResponse.newBuilder()
                .addAllResults(impacts.getResultsList())
                .setRequestId(impacts.getRequestId())
                .build();
      } else {
        response = client.apply(request);
      }
    }
    var report = new ApplyReport(read.documents(), response, true);
    boolean differences = false;
    int errors = 0;
    for (ApplyResult r : report.results()) {
      String fqn = report.fqn(r);
      if (r.getOutcome() == ApplyOutcome.CREATED) {
        out().println("+ " + fqn + " (new)");
        differences = true;
      } else if (r.getOutcome() == ApplyOutcome.UPDATED) {
        out().println("~ " + fqn);
        for (FieldChange c : r.getChangesList()) {
          out().println(AuditTables.changeLine(c));
        }
        differences = true;
      } else if (ApplyReport.failed(r)) {
        error(report.line(r));
        errors++;
      }
    }
    if (errors > 0) {
      return ExitCodes.DIFF_ERROR;
    }
    if (impacts != null) {
      differences |= ImpactReport.print(impacts, out());
    }
    return differences ? ExitCodes.DIFF_FOUND : ExitCodes.OK;
  }
}
