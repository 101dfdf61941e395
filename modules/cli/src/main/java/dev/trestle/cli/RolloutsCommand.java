package dev.trestle.cli;

import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.RevisionRolloutStatus;
import dev.trestle.protocol.v1.RolloutClusterStatus;
import dev.trestle.protocol.v1.RolloutNamespaceStatus;
import dev.trestle.protocol.v1.RolloutStageStatus;
import dev.trestle.protocol.v1.RolloutStatusResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trestle rollouts status}: where each RevisionRollout stands, per stage and cluster. */
@Command(
    name = "rollouts",
    mixinStandardHelpOptions = true,
    description = {"Istio revision rollouts (RevisionRollout resources, docs/upgrades.md)."},
    subcommands = {RolloutsCommand.Status.class})
final class RolloutsCommand implements Runnable {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "give a subcommand: status");
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Show each RevisionRollout you may read (or the one named): its phase, revisions, when it",
        "started and finished, its verification bounds and why it halted; then per stage and",
        "cluster the stage's phase, how many of its namespaces report the revision it wants now,",
        "each namespace with the istio.io/rev its edge reports, the pause (and until when), the",
        "times (UTC) it started, was labelled and finished, and the verification's outcome.",
        "",
        "Rollout phases: PENDING (not started yet), RUNNING, SUCCEEDED, HALTED (a stage failed",
        "and was reverted). Stage phases: WAITING, LABELING (waiting for the edges to report the",
        "new label), PAUSING, VERIFYING (reading the telemetry), PASSED, REVERTED, SKIPPED.",
        "",
        "Exit status: 0 succeeded, 1 halted, 3 pending or running.",
        "",
        "  trestle rollouts status",
        "  trestle rollouts status organizations/acme/revisionrollouts/istio-1-22"
      })
  static final class Status extends ClientCommand {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "ROLLOUT",
        description = "FQN (or NAME, if unique) of a RevisionRollout; all when omitted.")
    String rollout;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml (the RolloutStatus response).")
    OutputFormat output = OutputFormat.table;

    @Override
    public Integer call() {
      RolloutStatusResponse response;
      try (ManagementClient client = connect()) {
        response =
            rollout == null
                ? client.rolloutStatus("")
                : client.rolloutStatus(resolve(client, rollout.strip()));
      }
      if (output != OutputFormat.table) {
        out().print(StructuredOutput.format(response, output));
      } else if (response.getRolloutsCount() == 0) {
        err().println("no RevisionRollouts (apply one: docs/upgrades.md)");
      } else {
        out().print(render(response.getRolloutsList()));
      }
      return exitCode(response.getRolloutsList());
    }
  }

  /** An FQN as given; a bare NAME must name exactly one readable rollout. */
  static String resolve(ManagementClient client, String given) {
    return given.contains("/")
        ? given
        : UniqueName.resolve(
            given,
            client.rolloutStatus("").getRolloutsList().stream()
                .map(RevisionRolloutStatus::getRollout)
                .toList(),
            "revisionrollouts",
            "RevisionRollout");
  }

  static String render(List<RevisionRolloutStatus> rollouts) {
    var sb = new StringBuilder();
    for (RevisionRolloutStatus r : rollouts) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(r.getRollout())
          .append(": ")
          .append(r.getPhase().name().replaceFirst("^ROLLOUT_", ""));
      if (r.getCurrentStage() > 0) {
        sb.append(" at stage ")
            .append(r.getCurrentStage())
            .append(" of ")
            .append(r.getStagesCount());
      }
      sb.append(", ").append(r.getFromRevision()).append(" -> ").append(r.getToRevision());
      if (r.getRestartWorkloads()) {
        sb.append(", restarting workloads");
      }
      sb.append('\n');
      var times = new ArrayList<String>();
      if (r.hasStartedTime()) {
        times.add("started " + instant(r.getStartedTime()));
      }
      if (r.hasFinishedTime()) {
        times.add("finished " + instant(r.getFinishedTime()));
      }
      if (!times.isEmpty()) {
        sb.append("  ").append(String.join(", ", times)).append('\n');
      }
      sb.append("  verification: ")
          .append(r.getVerification().isEmpty() ? "none" : r.getVerification())
          .append('\n');
      if (!r.getHaltReason().isEmpty()) {
        sb.append("  halted: ").append(r.getHaltReason()).append('\n');
      }
      sb.append('\n').append(stages(r));
    }
    return sb.toString();
  }

  private static String stages(RevisionRolloutStatus r) {
    var table =
        new Table(
            List.of(
                "STAGE",
                "CLUSTER",
                "PHASE",
                "RELABELLED",
                "NAMESPACES",
                "PAUSE",
                "STARTED",
                "LABELLED",
                "FINISHED",
                "DETAIL"));
    for (RolloutStageStatus s : r.getStagesList()) {
      String stage = s.getIndex() + " " + s.getName();
      String phase = s.getPhase().name().replaceFirst("^STAGE_", "");
      String pause = s.getPause().isEmpty() ? "-" : s.getPause();
      if (s.hasPauseUntil() && !s.hasFinishedTime()) {
        pause += " until " + clock(s.getPauseUntil());
      }
      List<RolloutClusterStatus> clusters = s.getClustersList();
      if (clusters.isEmpty()) {
        table.row(
            List.of(
                stage,
                "-",
                phase,
                "0/0",
                "(none labelled " + r.getFromRevision() + ")",
                pause,
                clock(s.getStartedTime()),
                clock(s.getLabelledTime()),
                clock(s.getFinishedTime()),
                s.getDetail()));
      }
      for (RolloutClusterStatus c : clusters) {
        table.row(
            List.of(
                stage,
                c.getCluster(),
                phase,
                c.getRelabelled() + "/" + c.getNamespacesCount(),
                namespaces(c.getNamespacesList()),
                pause,
                clock(s.getStartedTime()),
                clock(s.getLabelledTime()),
                clock(s.getFinishedTime()),
                s.getDetail()));
      }
    }
    return table.render();
  }

  /** Each namespace with the label its edge reports ({@code -}: none reported). */
  private static String namespaces(List<RolloutNamespaceStatus> namespaces) {
    return String.join(
        ", ",
        namespaces.stream()
            .map(n -> n.getNamespace() + "=" + (n.getReported().isEmpty() ? "-" : n.getReported()))
            .toList());
  }

  private static String clock(Timestamp t) {
    return t.getSeconds() == 0 && t.getNanos() == 0
        ? "-"
        : CLOCK.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  private static String instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos())
        .truncatedTo(ChronoUnit.SECONDS)
        .toString();
  }

  private static int exitCode(List<RevisionRolloutStatus> rollouts) {
    int code = ExitCodes.OK;
    for (RevisionRolloutStatus r : rollouts) {
      switch (r.getPhase()) {
        case ROLLOUT_HALTED -> {
          return ExitCodes.FAILURE;
        }
        case ROLLOUT_PENDING, ROLLOUT_RUNNING -> code = ExitCodes.PENDING;
        default -> {}
      }
    }
    return code;
  }
}
