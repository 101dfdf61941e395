package dev.trestle.gitops;

import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResourceState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the last sync of a source found and did. {@code gitContent} remembers, per FQN, the content
 * git asked for at that sync: a resource that differs from git although git did not change it since
 * then was changed outside git (drift). Kept in the reconciler's memory only: after a fail-over the
 * next sync rebuilds it (and falls back to who last updated a resource to tell drift).
 */
record SyncReport(
    String fetchedCommit,
    String appliedCommit,
    GitOpsPhase phase,
    String error,
    Instant at,
    List<ResourceState> resources,
    Map<String, ResourceSnapshot> gitContent) {

  SyncReport {
    resources = List.copyOf(resources);
    gitContent = Map.copyOf(gitContent);
  }

  static final SyncReport NONE =
      new SyncReport("", "", GitOpsPhase.GITOPS_PENDING, "", null, List.of(), Map.of());

  /** One resource's state after a sync. */
  record ResourceState(
      String fqn,
      String kind,
      GitOpsResourceState state,
      String path,
      int line,
      String message,
      String changedBy) {}

  SyncReport failed(String fetched, String why, Instant now) {
    return new SyncReport(
        fetched, appliedCommit, GitOpsPhase.GITOPS_FAILED, why, now, resources, gitContent);
  }

  SyncReport paused(Instant now) {
    return new SyncReport(
        fetchedCommit, appliedCommit, GitOpsPhase.GITOPS_PAUSED, "", now, resources, gitContent);
  }
}
