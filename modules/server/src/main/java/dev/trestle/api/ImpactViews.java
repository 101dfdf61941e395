package dev.trestle.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.core.Caller;
import dev.trestle.core.Guard;
import dev.trestle.core.Perm;
import dev.trestle.desiredstate.ImpactPreview;
import dev.trestle.management.ApplyOutcomeView;
import dev.trestle.management.ResourceEntity;
import dev.trestle.management.ResourceService;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.JsonDiff;
import dev.trestle.protocol.v1.ClusterImpact;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.ObjectChangeType;
import dev.trestle.protocol.v1.ObjectImpact;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The impact preview as gRPC and REST show it: the dry run's results, then the clusters whose
 * objects would change, only those the caller may READ (the others are counted). Nothing is
 * translated when a document failed or was skipped: there is no would-be configuration then.
 */
public final class ImpactViews {
  private final ImpactPreview preview;
  private final Guard guard;

  public ImpactViews(ImpactPreview preview, Guard guard) {
    this.preview = preview;
    this.guard = guard;
  }

  CompletionStage<ImpactResponse> of(List<ApplyOutcomeView> results, Caller caller) {
    var b = ImpactResponse.newBuilder().setRequestId(caller.requestId());
    results.forEach(r -> b.addResults(ProtoViews.applyResult(r)));
    if (results.stream().anyMatch(r -> r.skipped() || r.problem() != null)) {
      return CompletableFuture.completedFuture(b.build());
    }
    var proposed =
        results.stream()
            .filter(r -> r.outcome() != ResourceEntity.Outcome.UNCHANGED && r.after() != null)
            .map(r -> new ImpactPreview.ProposedVersion(r.after(), r.version()))
            .toList();
    if (proposed.isEmpty()) {
      return CompletableFuture.completedFuture(b.build());
    }
    return preview.of(proposed).thenCompose(result -> withClusters(b, result, caller));
  }

  /**
   * The impact of a delete: {@code order} is what it would remove, deepest first ({@link
   * ResourceService#previewDelete}).
   */
  CompletionStage<ImpactResponse> ofDelete(List<ResourceEntity.View> order, Caller caller) {
    var b = ImpactResponse.newBuilder().setRequestId(caller.requestId());
    List<String> fqns = order.stream().map(v -> v.snapshot().fqn()).toList();
    b.addAllDeleted(fqns);
    return preview.ofDeletes(fqns).thenCompose(result -> withClusters(b, result, caller));
  }

  /** The result's clusters the caller may READ, the others counted as hidden. */
  private CompletionStage<ImpactResponse> withClusters(
      ImpactResponse.Builder b, ImpactPreview.Result result, Caller caller) {
    List<CompletableFuture<Boolean>> readable =
        result.clusters().stream()
            .map(
                c ->
                    guard
                        .allowed(caller.principal(), Perm.READ, Fqn.parse(c.cluster()))
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(readable.toArray(CompletableFuture[]::new))
        .thenApply(
            x -> {
              b.setClustersExamined(result.examined());
              for (int i = 0; i < readable.size(); i++) {
                if (readable.get(i).join()) {
                  b.addClusters(proto(result.clusters().get(i)));
                } else {
                  b.setClustersHidden(b.getClustersHidden() + 1);
                }
              }
              return b.build();
            });
  }

  private static ClusterImpact proto(ImpactPreview.ClusterImpact c) {
    var b =
        ClusterImpact.newBuilder()
            .setCluster(c.cluster())
            .setCurrentVersion(c.currentVersion())
            .addAllDiagnostics(c.diagnostics());
    for (ImpactPreview.ObjectImpact o : c.objects()) {
      b.addObjects(
          ObjectImpact.newBuilder()
              .setApiVersion(o.key().apiVersion())
              .setKind(o.key().kind())
              .setNamespace(o.key().namespace())
              .setName(o.key().name())
              .setChange(
                  switch (o.change()) {
                    case CREATED -> ObjectChangeType.OBJECT_CREATED;
                    case CHANGED -> ObjectChangeType.OBJECT_CHANGED;
                    case DELETED -> ObjectChangeType.OBJECT_DELETED;
                  })
              .setBeforeJson(o.beforeJson())
              .setAfterJson(o.afterJson())
              .setSourceFqn(o.sourceFqn())
              .addAllChanges(JsonDiff.diff(tree(o.beforeJson()), tree(o.afterJson()), "")));
    }
    return b.build();
  }

  private static JsonNode tree(String json) {
    return json.isEmpty() ? null : CanonicalJson.parse(json);
  }
}
