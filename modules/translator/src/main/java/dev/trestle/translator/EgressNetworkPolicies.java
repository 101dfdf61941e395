package dev.trestle.translator;

import dev.trestle.protocol.v1.EgressPolicy;
import dev.trestle.protocol.v1.Resource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An egress policy's opt-in {@code networkPolicy} → one Kubernetes NetworkPolicy per namespace it
 * applies to, selecting every pod there, whose egress rules allow only: the cluster DNS ({@code
 * k8s-app: kube-dns} in kube-system, UDP and TCP 53), istiod ({@code app: istiod} in any namespace,
 * TCP 15012: the sidecars' configuration and certificates), in-mesh pods (the namespace's own and
 * those of namespaces labelled {@code istio-injection: enabled} or with an {@code istio.io/rev}
 * label) and the pods of the egress gateways the namespace's hosts go through. Anything else, in
 * particular an external address reached around the sidecar, is dropped by the network plugin.
 * NetworkPolicies add up, so another policy of the namespace may still allow more.
 */
final class EgressNetworkPolicies {
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  private final Emission emission;

  EgressNetworkPolicies(Emission emission) {
    this.emission = emission;
  }

  /**
   * Emits the NetworkPolicy of {@code ns} when one of {@code sources} (the workspaces and groups
   * whose egress policies apply there) asks for it; {@code gateways} are the egress gateways its
   * hosts go through, and {@code gatewayNamespaces} the namespaces egress gateways run in here,
   * which are never locked down (the gateway must reach the outside).
   */
  void emit(
      String ns,
      List<Resource> sources,
      Collection<Resource> gateways,
      Collection<String> gatewayNamespaces) {
    List<Resource> asking = sources.stream().filter(r -> egress(r).getNetworkPolicy()).toList();
    if (asking.isEmpty()) {
      return;
    }
    if (gatewayNamespaces.contains(ns)) {
      asking.forEach(
          r ->
              emission.warn(
                  r,
                  "networkPolicy: namespace "
                      + ns
                      + " runs an egress gateway, which must reach external hosts; no"
                      + " NetworkPolicy there"));
      return;
    }
    var rules = new ArrayList<NetworkPolicyEgressRule>();
    rules.add(
        rule(
            List.of(peer(namespaceNamed("kube-system"), labels(Map.of("k8s-app", "kube-dns")))),
            List.of(port("UDP", 53), port("TCP", 53))));
    rules.add(
        rule(
            List.of(peer(new LabelSelector(), labels(Map.of("app", "istiod")))),
            List.of(port("TCP", 15012))));
    rules.add(
        rule(
            List.of(
                peer(null, new LabelSelector()),
                peer(namespacesWith("istio-injection", "In", List.of("enabled")), null),
                peer(namespacesWith("istio.io/rev", "Exists", null), null)),
            null));
    var gatewayPeers = new ArrayList<NetworkPolicyPeer>();
    for (Resource gw : gateways) {
      var spec = gw.getEgressGateway();
      gatewayPeers.add(
          peer(
              namespaceNamed(spec.getWorkloadNamespace()),
              labels(new TreeMap<>(spec.getWorkloadSelectorMap()))));
    }
    if (!gatewayPeers.isEmpty()) {
      rules.add(rule(gatewayPeers, null));
    }
    var spec = new NetworkPolicySpec();
    spec.setPodSelector(new LabelSelector());
    spec.setPolicyTypes(List.of("Egress"));
    spec.setEgress(rules);
    var inputs = new ArrayList<Resource>(asking);
    inputs.addAll(gateways);
    Provenance p = Provenance.of(asking.get(0), inputs);
    var policy = new NetworkPolicy();
    policy.setMetadata(p.meta(ObjectNames.name("egress", "egress-network-policy#" + ns), ns));
    policy.setSpec(spec);
    emission.emit(policy, p);
  }

  private static NetworkPolicyEgressRule rule(
      List<NetworkPolicyPeer> to, List<NetworkPolicyPort> ports) {
    var rule = new NetworkPolicyEgressRule();
    rule.setTo(to);
    if (ports != null) {
      rule.setPorts(ports);
    }
    return rule;
  }

  private static NetworkPolicyPeer peer(LabelSelector namespaces, LabelSelector pods) {
    var peer = new NetworkPolicyPeer();
    peer.setNamespaceSelector(namespaces);
    peer.setPodSelector(pods);
    return peer;
  }

  private static NetworkPolicyPort port(String protocol, int number) {
    var port = new NetworkPolicyPort();
    port.setProtocol(protocol);
    port.setPort(new IntOrString(number));
    return port;
  }

  private static LabelSelector labels(Map<String, String> labels) {
    var selector = new LabelSelector();
    selector.setMatchLabels(new TreeMap<>(labels));
    return selector;
  }

  private static LabelSelector namespaceNamed(String name) {
    return labels(Map.of(NAMESPACE_NAME, name));
  }

  private static LabelSelector namespacesWith(String key, String operator, List<String> values) {
    var selector = new LabelSelector();
    selector.setMatchExpressions(List.of(new LabelSelectorRequirement(key, operator, values)));
    return selector;
  }

  private static EgressPolicy egress(Resource scope) {
    return scope.hasWorkspace() ? scope.getWorkspace().getEgress() : scope.getGroup().getEgress();
  }
}
