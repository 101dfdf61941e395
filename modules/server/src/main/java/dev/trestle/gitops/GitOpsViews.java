package dev.trestle.gitops;

import com.google.protobuf.Timestamp;
import dev.trestle.gitops.GitOpsReconciler.SourceView;
import dev.trestle.gitops.SyncReport.ResourceState;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Ownership;
import dev.trestle.protocol.v1.GitOpsPhase;
import dev.trestle.protocol.v1.GitOpsResource;
import dev.trestle.protocol.v1.GitSourceStatus;

/** The one translation of the reconciler's reports into the API's {@link GitSourceStatus}. */
final class GitOpsViews {
  private GitOpsViews() {}

  static GitSourceStatus status(SourceView view) {
    SyncReport r = view.report();
    var b =
        GitSourceStatus.newBuilder()
            .setSource(view.fqn())
            .setUrl(view.spec().getUrl())
            .setRef(view.spec().getRef().isEmpty() ? "main" : view.spec().getRef())
            .setPhase(view.spec().getSuspend() ? GitOpsPhase.GITOPS_PAUSED : r.phase())
            .setLastFetchedCommit(r.fetchedCommit())
            .setLastAppliedCommit(r.appliedCommit())
            .setError(r.error())
            .setPrincipal(Ownership.gitSourcePrincipal(Fqn.parse(view.fqn())));
    if (r.at() != null) {
      b.setLastSyncTime(
          Timestamp.newBuilder().setSeconds(r.at().getEpochSecond()).setNanos(r.at().getNano()));
    }
    for (ResourceState s : r.resources()) {
      b.addResources(
          GitOpsResource.newBuilder()
              .setFqn(s.fqn())
              .setKind(s.kind())
              .setState(s.state())
              .setPath(s.path())
              .setLine(s.line())
              .setMessage(s.message())
              .setChangedBy(s.changedBy()));
    }
    return b.build();
  }
}
