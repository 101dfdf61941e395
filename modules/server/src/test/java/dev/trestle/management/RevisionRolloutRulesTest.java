package dev.trestle.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.core.Problem;
import dev.trestle.protocol.ParsedDocument;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.Resource;
import org.junit.jupiter.api.Test;

/** A RevisionRollout document as users write it (docs/upgrades.md). */
class RevisionRolloutRulesTest {
  private static Resource doc(String yaml) {
    ParsedDocument d = ResourceDocuments.parse(yaml).get(0);
    assertThat(d.error()).isNull();
    return d.resource();
  }

  @Test
  void theWorkedExampleIsValid() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: RevisionRollout
            metadata: {name: istio-1-22, organization: acme}
            spec:
              clusters: ["eu-west-1a", "us-east-1a"]
              fromRevision: stable
              toRevision: canary
              restartWorkloads: true
              stages:
                - {name: canary-ns, namespaces: [shop-staging], pause: 10m}
                - {name: teams, namespaces: ["team-*"], pause: 30m}
                - {name: rest, namespaces: ["*"]}
              verification: {maxErrorRatio: 0.01, maxP99Ms: 500, window: 5m}
            """);
    assertThat(r.getRevisionRollout().getStagesCount()).isEqualTo(3);
    assertThat(ResourceValidator.checkAlone(r)).isEmpty();
  }

  @Test
  void everyBadFieldIsNamed() {
    var r =
        doc(
            """
            apiVersion: trestle.dev/v1
            kind: RevisionRollout
            metadata: {name: bad, organization: acme}
            spec:
              clusters: []
              fromRevision: stable
              toRevision: stable
              stages:
                - {name: a, namespaces: ["Team_A"], pause: 48h}
                - {name: a, namespaces: []}
              verification: {maxErrorRatio: 2, window: 10s}
            """);
    assertThat(ResourceValidator.checkAlone(r))
        .extracting(Problem.Violation::field)
        .containsExactlyInAnyOrder(
            "spec.clusters",
            "spec.toRevision",
            "spec.stages[0].namespaces[0]",
            "spec.stages[0].pause",
            "spec.stages[1].namespaces",
            "spec.stages.name[1]",
            "spec.verification.maxErrorRatio",
            "spec.verification.window");
  }
}
