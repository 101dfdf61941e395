package dev.trestle.cli;

import dev.trestle.protocol.v1.GitOpsResource;
import dev.trestle.protocol.v1.GitOpsStatusResponse;
import dev.trestle.protocol.v1.GitSourceStatus;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trestle gitops status|sync}: the GitOps reconciler's view of each GitSource. */
@Command(
    name = "gitops",
    mixinStandardHelpOptions = true,
    description = {"GitOps sources: what each synced from git, and forced syncs (docs/gitops.md)."},
    subcommands = {GitOpsCommand.Status.class, GitOpsCommand.Sync.class})
final class GitOpsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a subcommand: status or sync");
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Show each GitSource you may read (or the one named): phase, last fetched and applied",
        "commit, the first error (file:line for a document), and per resource its state.",
        "",
        "Phases: SYNCED, OUT_OF_SYNC (drift, prune pending or a resource refused), FAILED (the",
        "sync could not run: fetch, unreadable document, mass-delete guard), PAUSED (suspended),",
        "PENDING (not synced yet).",
        "",
        "Exit status: 0 synced or paused, 1 failed, 3 out of sync or pending.",
        "",
        "  trestle gitops status",
        "  trestle gitops status organizations/acme/tenants/shop/gitsources/config"
      })
  static final class Status extends ClientCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "SOURCE",
        description = "FQN (or NAME, if unique) of a GitSource; all when omitted.")
    String source;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml (the GitOpsStatus response).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      GitOpsStatusResponse response;
      try (ManagementClient client = connect()) {
        response =
            source == null
                ? client.gitopsStatus("")
                : client.gitopsStatus(resolve(client, source.strip()));
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(response, output));
      } else if (response.getSourcesCount() == 0) {
        err().println("no GitSources (apply one: docs/gitops.md)");
      } else {
        out().print(render(response.getSourcesList(), Instant.now()));
      }
      return exitCode(response.getSourcesList());
    }
  }

  @Command(
      name = "sync",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Fetch and sync a GitSource now, wait for it, and show its status (needs WRITE on the",
        "source). The same as POST /api/v1/gitops/FQN/sync (the push webhook).",
        "",
        "  trestle gitops sync organizations/acme/tenants/shop/gitsources/config"
      })
  static final class Sync extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "SOURCE",
        description = "FQN (or NAME, if unique) of a GitSource.")
    String source;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml (the GitSourceStatus response).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      GitSourceStatus status;
      try (ManagementClient client = connect()) {
        status = client.syncGitSource(resolve(client, source.strip()));
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(status, output));
      } else {
        out().print(render(List.of(status), Instant.now()));
      }
      return exitCode(List.of(status));
    }
  }

  /** An FQN as given; a bare NAME must name exactly one readable source. */
  static String resolve(ManagementClient client, String given) {
    return given.contains("/")
        ? given
        : UniqueName.resolve(
            given,
            client.gitopsStatus("").getSourcesList().stream()
                .map(GitSourceStatus::getSource)
                .toList(),
            "gitsources",
            "GitSource");
  }

  static String render(List<GitSourceStatus> sources, Instant now) {
    var sb = new StringBuilder();
    var table =
        new Table(List.of("SOURCE", "PHASE", "REF", "FETCHED", "APPLIED", "SYNCED", "ERROR"));
    for (GitSourceStatus s : sources) {
      table.row(
          List.of(
              s.getSource(),
              s.getPhase().name().replaceFirst("^GITOPS_", ""),
              s.getRef(),
              shortSha(s.getLastFetchedCommit()),
              shortSha(s.getLastAppliedCommit()),
              s.hasLastSyncTime() ? Ages.since(s.getLastSyncTime(), now) : "never",
              s.getError()));
    }
    sb.append(table.render());
    for (GitSourceStatus s : sources) {
      if (s.getResourcesCount() == 0) {
        continue;
      }
      sb.append('\n').append(s.getSource()).append(" (as ").append(s.getPrincipal()).append(")\n");
      var resources = new Table(List.of("RESOURCE", "STATE", "FILE", "MESSAGE"));
      for (GitOpsResource r : s.getResourcesList()) {
        resources.row(
            List.of(
                r.getFqn(),
                r.getState().name().replaceFirst("^RESOURCE_", ""),
                r.getPath().isEmpty() ? "" : r.getPath() + ":" + r.getLine(),
                r.getMessage()));
      }
      sb.append(resources.render());
    }
    return sb.toString();
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static int exitCode(List<GitSourceStatus> sources) {
    int code = ExitCodes.OK;
    for (GitSourceStatus s : sources) {
      switch (s.getPhase()) {
        case GITOPS_FAILED -> {
          return ExitCodes.FAILURE;
        }
        case GITOPS_OUT_OF_SYNC, GITOPS_PENDING -> code = ExitCodes.PENDING;
        default -> {}
      }
    }
    return code;
  }
}
