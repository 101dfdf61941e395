package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.translator.ObjectKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Server-side apply and managed-only deletes against fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesTargetTest {
  KubernetesClient client;

  private GenericKubernetesResource live(EdgeObject o) {
    return client
        .genericKubernetesResources(KubernetesTarget.context(o.key()))
        .inNamespace(o.key().namespace())
        .withName(o.key().name())
        .get();
  }

  @Test
  void pluralsFollowTheIstioResourceNames() {
    assertThat(
            KubernetesTarget.context(
                    new ObjectKey("security.istio.io/v1", "AuthorizationPolicy", "a", "b"))
                .getPlural())
        .isEqualTo("authorizationpolicies");
    assertThat(
            KubernetesTarget.context(
                    new ObjectKey("networking.istio.io/v1", "VirtualService", "a", "b"))
                .getPlural())
        .isEqualTo("virtualservices");
    assertThat(
            KubernetesTarget.context(new ObjectKey("networking.istio.io/v1", "Sidecar", "a", "b"))
                .getGroup())
        .isEqualTo("networking.istio.io");
  }

  @Test
  void appliesObjectsAndDeletesOnlyTrestleManagedOnes() throws Exception {
    var target = new KubernetesTarget(client, false);
    EdgeObject web = EdgeObject.fromProto(TestObjects.virtualService("shop", "web", "^/api"));
    EdgeObject ledger = EdgeObject.fromProto(TestObjects.destinationRule("payments", "ledger"));
    AppliedState v1 = AppliedState.of(1, "", List.of(web, ledger));
    target.apply(AppliedState.EMPTY, v1, List.of(web, ledger), List.of());

    GenericKubernetesResource vs = live(web);
    assertThat(vs).isNotNull();
    assertThat(vs.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "trestle");
    assertThat(((Map<?, ?>) vs.getAdditionalProperties().get("spec")).get("hosts"))
        .isEqualTo(List.of("web"));
    assertThat(live(ledger)).isNotNull();

    // Someone else's object with the same key as a removed one: relabelled, so it is not ours.
    GenericKubernetesResource foreign =
        new GenericKubernetesResourceBuilder(live(ledger))
            .editMetadata()
            .withLabels(Map.of("owner", "someone-else"))
            .withResourceVersion(null)
            .endMetadata()
            .build();
    client
        .genericKubernetesResources(KubernetesTarget.context(ledger.key()))
        .inNamespace("payments")
        .resource(foreign)
        .update();

    AppliedState v2 = AppliedState.of(2, "", List.of());
    target.apply(v1, v2, List.of(), List.of(web.key(), ledger.key()));
    assertThat(live(web)).isNull();
    assertThat(live(ledger)).isNotNull();
  }

  @Test
  void networkPoliciesAreAppliedAndPrunedLikeIstioObjects() throws Exception {
    var key = new ObjectKey("networking.k8s.io/v1", "NetworkPolicy", "pay", "trestle-egress-1");
    assertThat(KubernetesTarget.context(key).getPlural()).isEqualTo("networkpolicies");
    assertThat(KubernetesTarget.context(key).getGroup()).isEqualTo("networking.k8s.io");
    String json =
        "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\","
            + "\"metadata\":{\"name\":\"trestle-egress-1\",\"namespace\":\"pay\","
            + "\"labels\":{\"app.kubernetes.io/managed-by\":\"trestle\"}},"
            + "\"spec\":{\"podSelector\":{},\"policyTypes\":[\"Egress\"],"
            + "\"egress\":[{\"ports\":[{\"port\":53,\"protocol\":\"UDP\"}]}]}}";
    EdgeObject policy =
        new EdgeObject(key, "organizations/o/tenants/t/workspaces/pay", 1, json, "");
    var target = new KubernetesTarget(client, false);
    AppliedState v1 = AppliedState.of(1, "", List.of(policy));
    target.apply(AppliedState.EMPTY, v1, List.of(policy), List.of());
    GenericKubernetesResource live = live(policy);
    assertThat(live).isNotNull();
    assertThat(((Map<?, ?>) live.getAdditionalProperties().get("spec")).get("policyTypes"))
        .isEqualTo(List.of("Egress"));
    assertThat(
            client.network().v1().networkPolicies().inNamespace("pay").withName(key.name()).get())
        .as("the typed client sees the same object")
        .isNotNull();

    target.apply(v1, AppliedState.of(2, "", List.of()), List.of(), List.of(key));
    assertThat(live(policy)).isNull();
  }
}
