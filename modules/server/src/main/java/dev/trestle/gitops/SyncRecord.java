package dev.trestle.gitops;

import dev.trestle.core.CborSerializable;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResourceState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A {@link SyncReport} as the journal keeps it (docs/gitops.md, "Sync status"): the enums by name,
 * never generated protobuf classes, and git's content per resource as a digest. {@code at} is null
 * when no sync ever ran.
 */
record SyncRecord(
    String fetchedCommit,
    String appliedCommit,
    String phase,
    String error,
    Instant at,
    List<Resource> resources,
    Map<String, String> gitDigests)
    implements CborSerializable {

  SyncRecord {
    resources = List.copyOf(resources == null ? List.of() : resources);
    gitDigests = Map.copyOf(gitDigests == null ? Map.of() : gitDigests);
  }

  /** One resource's state after the sync. */
  record Resource(
      String fqn,
      String kind,
      String state,
      String path,
      int line,
      String message,
      String changedBy)
      implements CborSerializable {}

  static SyncRecord of(SyncReport r) {
    return new SyncRecord(
        r.fetchedCommit(),
        r.appliedCommit(),
        r.phase().name(),
        r.error(),
        r.at(),
        r.resources().stream()
            .map(
                s ->
                    new Resource(
                        s.fqn(),
                        s.kind(),
                        s.state().name(),
                        s.path(),
                        s.line(),
                        s.message(),
                        s.changedBy()))
            .toList(),
        r.gitDigests());
  }

  SyncReport toReport() {
    return new SyncReport(
        fetchedCommit,
        appliedCommit,
        enumOf(GitOpsPhase.class, phase, GitOpsPhase.GITOPS_PENDING),
        error,
        at,
        resources.stream()
            .map(
                s ->
                    new SyncReport.ResourceState(
                        s.fqn(),
                        s.kind(),
                        enumOf(
                            GitOpsResourceState.class,
                            s.state(),
                            GitOpsResourceState.GIT_OPS_RESOURCE_STATE_UNSPECIFIED),
                        s.path(),
                        s.line(),
                        s.message(),
                        s.changedBy()))
            .toList(),
        gitDigests);
  }

  /**
   * Whether the two records tell the same outcome, whenever it was found: a sync that finds what
   * the last one found is not journaled again (an idle source does not grow the journal).
   */
  boolean sameOutcome(SyncRecord other) {
    return other != null
        && fetchedCommit.equals(other.fetchedCommit)
        && appliedCommit.equals(other.appliedCommit)
        && phase.equals(other.phase)
        && error.equals(other.error)
        && resources.equals(other.resources)
        && gitDigests.equals(other.gitDigests);
  }

  /** A name journaled by an older build that this one no longer knows reads as {@code unknown}. */
  private static <E extends Enum<E>> E enumOf(Class<E> type, String name, E unknown) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException | NullPointerException e) {
      return unknown;
    }
  }
}
