package dev.trestle.api;

import dev.trestle.management.ApplyOutcomeView;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyResult;

/** Service results as protobuf messages. */
final class ProtoViews {
  private ProtoViews() {}

  static ApplyResult applyResult(ApplyOutcomeView v) {
    var b =
        ApplyResult.newBuilder()
            .setIndex(v.index())
            .setKind(v.kind())
            .setFqn(v.fqn())
            .setVersion(v.version())
            .addAllChanges(v.changes());
    if (v.skipped()) {
      b.setOutcome(ApplyOutcome.SKIPPED);
    } else if (v.problem() != null) {
      b.setOutcome(ApplyOutcome.FAILED).setError(ErrorMapping.detail(v.problem()));
    } else {
      b.setOutcome(
          switch (v.outcome()) {
            case CREATED -> ApplyOutcome.CREATED;
            case UPDATED -> ApplyOutcome.UPDATED;
            case UNCHANGED -> ApplyOutcome.UNCHANGED;
            case REFUSED -> ApplyOutcome.FAILED;
          });
    }
    return b.build();
  }
}
