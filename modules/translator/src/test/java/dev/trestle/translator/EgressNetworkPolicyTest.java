package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressNetworkPolicyTest {
  private static DesiredObjects translate(boolean networkPolicy) {
    String docs =
        networkPolicy
            ? EgressFixtures.DOCS.replaceFirst(
                "outboundMode: REGISTRY_ONLY\n",
                "outboundMode: REGISTRY_ONLY\n    networkPolicy: true\n")
            : EgressFixtures.DOCS;
    return IstioTranslator.translate(
        Fixtures.snapshot(docs), Fixtures.view("c1", EgressFixtures.NAMESPACES));
  }

  private static List<DesiredObject> networkPolicies(DesiredObjects out) {
    return out.objects().stream().filter(o -> o.key().kind().equals("NetworkPolicy")).toList();
  }

  @Test
  void withoutTheOptInNoNetworkPolicyIsEmitted() {
    assertThat(networkPolicies(translate(false))).isEmpty();
  }

  @Test
  void theOptInLocksEachAppNamespaceDownToDnsIstiodTheMeshAndItsEgressGateway() {
    var out = translate(true);
    var policies = networkPolicies(out);
    assertThat(policies).extracting(o -> o.key().namespace()).containsExactly("pay");
    assertThat(out.diagnostics())
        .anySatisfy(
            d ->
                assertThat(d.message())
                    .contains("namespace pay-egress runs an egress gateway")
                    .contains("no NetworkPolicy there"));
    JsonNode spec = policies.get(0).tree().path("spec");
    assertThat(spec.path("podSelector").isObject()).isTrue();
    assertThat(spec.path("podSelector").size()).isZero();
    assertThat(spec.path("policyTypes").toString()).isEqualTo("[\"Egress\"]");
    JsonNode rules = spec.path("egress");
    assertThat(rules.size()).isEqualTo(4);
    assertThat(rules.at("/0/to/0/podSelector/matchLabels/k8s-app").asText()).isEqualTo("kube-dns");
    assertThat(rules.at("/0/ports").toString())
        .isEqualTo("[{\"port\":53,\"protocol\":\"UDP\"},{\"port\":53,\"protocol\":\"TCP\"}]");
    assertThat(rules.at("/1/to/0/podSelector/matchLabels/app").asText()).isEqualTo("istiod");
    assertThat(rules.at("/1/ports/0/port").asInt()).isEqualTo(15012);
    assertThat(rules.at("/2/ports").isMissingNode()).isTrue();
    JsonNode gateway = rules.at("/3/to/0");
    assertThat(gateway.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
        .isEqualTo("pay-egress");
    assertThat(gateway.at("/podSelector/matchLabels/istio").asText()).isEqualTo("egressgateway");
    // no rule allows an ipBlock: nothing outside the cluster is reachable but through the gateway
    assertThat(spec.toString()).doesNotContain("ipBlock");
    assertThat(NetworkPolicyCheck.violations(policies.get(0).tree())).isEmpty();
    IstioSchemaCheck.assertAdmitted(out);
  }

  @Test
  void theTypedModelCheckRefusesWhatTheApiServerWould() {
    JsonNode good = networkPolicies(translate(true)).get(0).tree();
    var broken = new ArrayList<JsonNode>();
    ObjectNode unknown = good.deepCopy();
    ((ObjectNode) unknown.path("spec")).put("egresss", 1);
    broken.add(unknown);
    ObjectNode protocol = good.deepCopy();
    ((ObjectNode) protocol.at("/spec/egress/0/ports/0")).put("protocol", "ICMP");
    broken.add(protocol);
    ObjectNode exists = good.deepCopy();
    ((ObjectNode) exists.at("/spec/egress/2/to/2/namespaceSelector/matchExpressions/0"))
        .putArray("values")
        .add("x");
    broken.add(exists);
    for (JsonNode b : broken) {
      assertThat(NetworkPolicyCheck.violations(b)).as(b.toString()).isNotEmpty();
    }
  }

  @Test
  void reachabilityKnowsThatALockedDownNamespaceCannotGoStraightOut() {
    var open = EgressReachability.of(translate(false), false);
    var locked = EgressReachability.of(translate(true), false);
    assertThat(open.reach("pay", "cdn.example", 443).outcome())
        .isEqualTo(EgressReachability.Outcome.DIRECT);
    var verdict = locked.reach("pay", "cdn.example", 443);
    assertThat(verdict.outcome()).isEqualTo(EgressReachability.Outcome.BLOCKED);
    assertThat(verdict.reason()).contains("NetworkPolicy");
    assertThat(locked.reach("pay", "api.psp.example", 443).outcome())
        .isEqualTo(EgressReachability.Outcome.VIA_GATEWAY);
    // other namespaces did not opt in
    assertThat(locked.reach("shop", "anything.example", 443).outcome())
        .isEqualTo(open.reach("shop", "anything.example", 443).outcome());
  }
}
