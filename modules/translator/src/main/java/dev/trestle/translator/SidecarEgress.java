package dev.trestle.translator;

import dev.trestle.protocol.v1.OutboundMode;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What egress adds to one namespace's Sidecar: the outbound mode (unspecified: the mesh's default)
 * and the egress gateway services its routes send to, with the resources that decided them.
 */
final class SidecarEgress {
  private OutboundMode mode = OutboundMode.OUTBOUND_MODE_UNSPECIFIED;
  private final SortedSet<String> hosts = new TreeSet<>();
  private final List<Resource> inputs = new ArrayList<>();
  private final Set<Resource> gateways = new LinkedHashSet<>();

  OutboundMode mode() {
    return mode;
  }

  SortedSet<String> hosts() {
    return hosts;
  }

  List<Resource> inputs() {
    return inputs;
  }

  void mode(OutboundMode m, List<Resource> decidedBy) {
    mode = m;
    inputs.addAll(decidedBy);
  }

  /** The egress gateways this namespace's hosts go through. */
  Set<Resource> gateways() {
    return gateways;
  }

  void addHost(String host, Resource gateway) {
    hosts.add(host);
    inputs.add(gateway);
    gateways.add(gateway);
  }
}
