package dev.trestle.audit;

import dev.trestle.rollouts.RolloutEvent;
import dev.trestle.rollouts.RolloutEvent.NamespaceLabel;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Audit rows of revision rollouts: every step is a {@code ROLLOUT} row of the RevisionRollout,
 * taken by {@value #PRINCIPAL} (central's rollout runner), saying what it decided and which
 * namespaces it (re)labelled.
 */
final class RolloutAuditRows {
  static final String PRINCIPAL = "system:revision-rollout";

  private RolloutAuditRows() {}

  static AuditRow rowOf(RolloutEvent event) {
    String message;
    long version = 0;
    if (event instanceof RolloutEvent.RolloutStarted e) {
      version = e.version();
      message =
          "started: "
              + e.fromRevision()
              + " -> "
              + e.toRevision()
              + " in "
              + e.stages().size()
              + " stage(s)"
              + e.stages().stream()
                  .map(s -> s.name() + " " + s.targets().size() + " namespace(s)")
                  .collect(Collectors.joining(", ", " (", ")"))
              + (e.restartWorkloads() ? ", restarting workloads" : "");
    } else if (event instanceof RolloutEvent.StageStarted e) {
      version = e.version();
      message = "stage " + (e.index() + 1) + " started: labels " + labels(e.labels());
    } else if (event instanceof RolloutEvent.StageLabeled e) {
      message = "stage " + (e.index() + 1) + " labelled in every cluster; pause begins";
    } else if (event instanceof RolloutEvent.StagePassed e) {
      message = "stage " + (e.index() + 1) + " passed: " + e.detail();
    } else if (event instanceof RolloutEvent.StageFailed e) {
      version = e.version();
      message =
          "halted, stage "
              + (e.index() + 1)
              + " reverted: "
              + e.reason()
              + "; labels now "
              + labels(e.labels());
    } else if (event instanceof RolloutEvent.RolloutSucceeded) {
      message = "succeeded: every stage passed";
    } else {
      return null;
    }
    return new AuditRow(
        0,
        AuditProjectionHandler.micros(event.at()),
        PRINCIPAL,
        "ROLLOUT",
        AuditRow.ACCEPTED,
        "RevisionRollout",
        event.rollout(),
        version,
        "",
        message.length() > 2000 ? message.substring(0, 2000) + "…" : message,
        null);
  }

  private static String labels(List<NamespaceLabel> labels) {
    return labels.isEmpty()
        ? "none"
        : labels.stream()
            .map(l -> l.cluster() + "/" + l.namespace() + "=" + l.revision())
            .collect(Collectors.joining(", "));
  }
}
