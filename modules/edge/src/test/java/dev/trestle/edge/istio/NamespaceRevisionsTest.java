package dev.trestle.edge.istio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.edge.AppliedState;
import dev.trestle.edge.EdgeObject;
import dev.trestle.edge.KubernetesTarget;
import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.SetHash;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A revision rollout's stage as the edge applies it (NamespaceRevision objects through the
 * Kubernetes target), against fabric8's mock API server in CRUD mode.
 */
@EnableKubernetesMockClient(crud = true)
class NamespaceRevisionsTest {
  KubernetesClient client;

  @BeforeEach
  void cluster() {
    IstioCluster.create(client);
    client
        .apps()
        .deployments()
        .inNamespace("shop")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .withNewTemplate()
                .withNewMetadata()
                .withAnnotations(Map.of("prometheus.io/scrape", "true"))
                .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("example/web:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  static EdgeObject revision(String namespace, String revision, String restartedAt) {
    String json =
        "{\"apiVersion\":\"trestle.dev/v1\",\"kind\":\"NamespaceRevision\",\"metadata\":{\"labels\":"
            + "{\"app.kubernetes.io/managed-by\":\"trestle\"},\"name\":\"istio-revision\","
            + "\"namespace\":\""
            + namespace
            + "\"},\"spec\":{\"restartedAt\":\""
            + restartedAt
            + "\",\"revision\":\""
            + revision
            + "\",\"rollout\":\"organizations/acme/revisionrollouts/r1\"}}";
    return new EdgeObject(
        new ObjectKey("trestle.dev/v1", "NamespaceRevision", namespace, "istio-revision"),
        "organizations/acme/revisionrollouts/r1",
        1,
        json,
        SetHash.content(json));
  }

  private void apply(AppliedState before, List<EdgeObject> objects) throws Exception {
    var next = AppliedState.of(before.version() + 1, "", objects);
    new KubernetesTarget(client, true).apply(before, next, objects, List.of());
  }

  private Map<String, String> labels(String namespace) {
    return client.namespaces().withName(namespace).get().getMetadata().getLabels();
  }

  @Test
  void aStageRelabelsExactlyItsNamespacesAndNoOtherLabel() throws Exception {
    apply(AppliedState.EMPTY, List.of(revision("shop", "canary", "")));

    assertThat(labels("shop"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("istio.io/rev", "canary", "team", "web"));
    assertThat(labels("payments")).containsExactlyEntriesOf(Map.of("istio.io/rev", "stable"));
    assertThat(labels("legacy")).containsExactlyEntriesOf(Map.of("istio-injection", "enabled"));
    assertThat(labels("plain")).isNullOrEmpty();
    // no restart asked: the Deployment's pod template is as it was
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsExactlyEntriesOf(Map.of("prometheus.io/scrape", "true"));
  }

  @Test
  void aRestartSetsOnlyTheRestartAnnotationAndARevertPutsTheLabelBack() throws Exception {
    var first = List.of(revision("shop", "canary", "2026-12-07T21:00:00Z"));
    apply(AppliedState.EMPTY, first);
    var template =
        client
            .apps()
            .deployments()
            .inNamespace("shop")
            .withName("web")
            .get()
            .getSpec()
            .getTemplate();
    assertThat(template.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "prometheus.io/scrape",
                "true",
                "kubectl.kubernetes.io/restartedAt",
                "2026-12-07T21:00:00Z"));
    assertThat(template.getMetadata().getLabels()).containsExactlyEntriesOf(Map.of("app", "web"));

    apply(
        AppliedState.of(1, "", first), List.of(revision("shop", "stable", "2026-12-07T21:05:00Z")));

    assertThat(labels("shop"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("istio.io/rev", "stable", "team", "web"));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations())
        .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-12-07T21:05:00Z");
  }

  @Test
  void removingTheObjectLeavesTheNamespaceAsItIs() throws Exception {
    var first = List.of(revision("shop", "canary", ""));
    apply(AppliedState.EMPTY, first);
    var before = AppliedState.of(1, "", first);
    new KubernetesTarget(client, true)
        .apply(before, AppliedState.EMPTY, List.of(), List.of(first.get(0).key()));
    assertThat(labels("shop")).containsEntry("istio.io/rev", "canary");
  }
}
