package dev.trestle.translator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.translator.schema.SchemaViolation;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A NetworkPolicy as the API server would judge it, through fabric8's typed model of
 * networking.k8s.io/v1: every field must be one the model knows (fabric8 keeps unknown ones in
 * {@code additionalProperties}, which must stay empty everywhere), and the values must be what the
 * API server's validation accepts: policy types Ingress/Egress, a pod selector, ports 1–65535 with
 * protocol TCP, UDP or SCTP, peers with at least one selector, selector operators In, NotIn,
 * Exists, DoesNotExist (values only with In/NotIn, and then required).
 */
final class NetworkPolicyCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private NetworkPolicyCheck() {}

  static boolean isNetworkPolicy(JsonNode object) {
    return object.path("apiVersion").asText().equals("networking.k8s.io/v1")
        && object.path("kind").asText().equals("NetworkPolicy");
  }

  static List<SchemaViolation> violations(JsonNode object) {
    var out = new ArrayList<SchemaViolation>();
    String name =
        object.at("/metadata/namespace").asText() + "/" + object.at("/metadata/name").asText();
    NetworkPolicy np;
    try {
      np = JSON.treeToValue(object, NetworkPolicy.class);
    } catch (Exception e) {
      out.add(new SchemaViolation(name, "", "type", e.getMessage()));
      return out;
    }
    unknown(name, "", np.getAdditionalProperties(), out);
    unknown(name, "metadata", np.getMetadata().getAdditionalProperties(), out);
    var spec = np.getSpec();
    if (spec == null) {
      out.add(new SchemaViolation(name, "spec", "required", "a NetworkPolicy needs a spec"));
      return out;
    }
    unknown(name, "spec", spec.getAdditionalProperties(), out);
    if (spec.getPodSelector() == null) {
      out.add(new SchemaViolation(name, "spec.podSelector", "required", "is required"));
    } else {
      selector(name, "spec.podSelector", spec.getPodSelector(), out);
    }
    for (String t : spec.getPolicyTypes()) {
      if (!t.equals("Ingress") && !t.equals("Egress")) {
        out.add(new SchemaViolation(name, "spec.policyTypes", "enum", t));
      }
    }
    for (int i = 0; i < spec.getEgress().size(); i++) {
      NetworkPolicyEgressRule rule = spec.getEgress().get(i);
      String f = "spec.egress[" + i + "]";
      unknown(name, f, rule.getAdditionalProperties(), out);
      for (int j = 0; j < rule.getTo().size(); j++) {
        NetworkPolicyPeer peer = rule.getTo().get(j);
        String pf = f + ".to[" + j + "]";
        unknown(name, pf, peer.getAdditionalProperties(), out);
        if (peer.getPodSelector() == null
            && peer.getNamespaceSelector() == null
            && peer.getIpBlock() == null) {
          out.add(new SchemaViolation(name, pf, "required", "a peer needs a selector or ipBlock"));
        }
        if (peer.getPodSelector() != null) {
          selector(name, pf + ".podSelector", peer.getPodSelector(), out);
        }
        if (peer.getNamespaceSelector() != null) {
          selector(name, pf + ".namespaceSelector", peer.getNamespaceSelector(), out);
        }
      }
      for (int j = 0; j < rule.getPorts().size(); j++) {
        NetworkPolicyPort port = rule.getPorts().get(j);
        String pf = f + ".ports[" + j + "]";
        unknown(name, pf, port.getAdditionalProperties(), out);
        if (!Set.of("TCP", "UDP", "SCTP").contains(port.getProtocol())) {
          out.add(new SchemaViolation(name, pf + ".protocol", "enum", port.getProtocol()));
        }
        Integer number = port.getPort() == null ? null : port.getPort().getIntVal();
        if (number == null || number < 1 || number > 65535) {
          out.add(new SchemaViolation(name, pf + ".port", "range", "1-65535"));
        }
      }
    }
    return out;
  }

  private static void selector(
      String name, String f, LabelSelector selector, List<SchemaViolation> out) {
    unknown(name, f, selector.getAdditionalProperties(), out);
    for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
      unknown(name, f + ".matchExpressions", r.getAdditionalProperties(), out);
      if (!OPERATORS.contains(r.getOperator())) {
        out.add(new SchemaViolation(name, f + ".matchExpressions", "enum", r.getOperator()));
      }
      boolean wantsValues = r.getOperator().equals("In") || r.getOperator().equals("NotIn");
      if (wantsValues == r.getValues().isEmpty()) {
        out.add(
            new SchemaViolation(
                name, f + ".matchExpressions", "values", "values only and always with In/NotIn"));
      }
    }
  }

  private static void unknown(
      String name, String f, Map<String, Object> extra, List<SchemaViolation> out) {
    if (extra != null) {
      extra.keySet().forEach(k -> out.add(new SchemaViolation(name, f + "." + k, "unknown", k)));
    }
  }
}
