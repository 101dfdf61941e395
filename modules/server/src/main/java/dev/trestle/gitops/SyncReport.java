package dev.trestle.gitops;

import dev.trestle.management.ResourceSnapshot;
import dev.trestle.protocol.Hashes;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResourceState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the last sync of a source found and did. {@code gitDigests} remembers, per FQN, the digest
 * of the content git asked for at that sync: a resource that differs from git although git did not
 * change it since then was changed outside git (drift). Journaled as a {@link SyncRecord} by the
 * source's {@link SyncStatusEntity} whenever the outcome changes, so a fail-over keeps it.
 */
record SyncReport(
    String fetchedCommit,
    String appliedCommit,
    GitOpsPhase phase,
    String error,
    Instant at,
    List<ResourceState> resources,
    Map<String, String> gitDigests) {

  SyncReport {
    resources = List.copyOf(resources);
    gitDigests = Map.copyOf(gitDigests);
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
        fetched, appliedCommit, GitOpsPhase.GITOPS_FAILED, why, now, resources, gitDigests);
  }

  /** The digest of a resource's content that tells whether git changed it between two syncs. */
  static String digest(ResourceSnapshot s) {
    return Hashes.sha256(
        String.join(
            "\u0000",
            s.kind(),
            s.fqn(),
            s.labels().toString(),
            s.description(),
            String.valueOf(s.deletionProtection()),
            s.specJson()));
  }

  SyncReport paused(Instant now) {
    return new SyncReport(
        fetchedCommit, appliedCommit, GitOpsPhase.GITOPS_PAUSED, "", now, resources, gitDigests);
  }
}
