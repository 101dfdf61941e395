package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.EgressPolicy;
import dev.trestle.protocol.v1.ExternalHost;
import dev.trestle.protocol.v1.HostResolution;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The egress policy of a workspace or group: outbound mode and allowed external hosts. */
final class EgressRules {
  static final Set<String> PROTOCOLS = Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "TLS", "TCP");

  private EgressRules() {}

  static void policy(Checks c, String f, EgressPolicy egress) {
    var hosts = new ArrayList<String>();
    for (int i = 0; i < egress.getAllowedHostsCount(); i++) {
      host(c, f + ".allowedHosts[" + i + "]", egress.getAllowedHosts(i));
      hosts.add(egress.getAllowedHosts(i).getHost());
    }
    c.duplicates(f + ".allowedHosts", hosts);
  }

  /** An external host name: a DNS name, optionally "*."-prefixed, outside the mesh's domain. */
  static String hostProblem(String host) {
    if (host.equals("*")
        || !Names.HOST.matcher(host).matches()
        || (host.startsWith("*") && !host.startsWith("*."))) {
      return "'" + host + "' is not a host name like api.example.com or *.example.com";
    }
    if (host.length() > 253) {
      return "'" + host + "' is longer than 253 characters";
    }
    if (host.endsWith(".cluster.local") || !host.contains(".")) {
      return "'" + host + "' is not external: mesh services are reached without an allow-list";
    }
    return null;
  }

  private static void host(Checks c, String f, ExternalHost h) {
    String problem = hostProblem(h.getHost());
    if (problem != null) {
      c.add(f + ".host", problem);
    }
    if (h.getPortsCount() == 0) {
      c.add(f + ".ports", "at least one port is required");
    }
    var numbers = new HashSet<Integer>();
    boolean viaGateway = !h.getEgressGateway().isEmpty();
    for (int j = 0; j < h.getPortsCount(); j++) {
      var p = h.getPorts(j);
      String pf = f + ".ports[" + j + "]";
      c.port(pf + ".number", p.getNumber(), true);
      if (!numbers.add(p.getNumber())) {
        c.add(pf + ".number", "duplicate port " + p.getNumber());
      }
      if (!PROTOCOLS.contains(p.getProtocol())) {
        c.add(
            pf + ".protocol",
            "'" + p.getProtocol() + "' is not one of " + Checks.sorted(PROTOCOLS));
      } else if (viaGateway && p.getProtocol().equals("TCP")) {
        c.add(
            pf + ".protocol",
            "TCP cannot go through an egress gateway (it has no host to route by); use TLS or send"
                + " it directly");
      }
    }
    if (h.getHost().startsWith("*")
        && (h.getResolution() == HostResolution.DNS
            || h.getResolution() == HostResolution.DNS_ROUND_ROBIN)) {
      c.add(f + ".resolution", "a wildcard host cannot be resolved by DNS; use NONE");
    }
    if (viaGateway) {
      if (h.getPortsCount() > 1) {
        c.add(
            f + ".ports",
            "a host through an egress gateway has one port (the gateway tells hosts apart by name"
                + " only)");
      }
      if (h.getHost().startsWith("*")) {
        c.add(f + ".host", "a wildcard host cannot go through an egress gateway");
      }
      ReferenceRules.fqnOfKind(c, f + ".egressGateway", h.getEgressGateway(), Kind.EGRESS_GATEWAY);
    }
  }

  /** The egress gateways the policy names, keyed by field path. */
  static void references(String f, EgressPolicy egress, Map<String, String> refs) {
    for (int i = 0; i < egress.getAllowedHostsCount(); i++) {
      String gw = egress.getAllowedHosts(i).getEgressGateway();
      if (!gw.isEmpty()) {
        refs.put(f + ".allowedHosts[" + i + "].egressGateway", gw);
      }
    }
  }
}
