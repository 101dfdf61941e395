package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.EgressPolicy;
import dev.trestle.protocol.v1.ExternalHost;
import dev.trestle.protocol.v1.OutboundMode;
import dev.trestle.protocol.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Workspace and group egress policies → per workspace namespace here: the outbound mode (for its
 * Sidecar, see {@link SidecarEgress}) and, per allowed external host, a MESH_EXTERNAL ServiceEntry
 * in that namespace exported to it alone. A host sent through an EgressGateway also gets the client
 * half of Istio's egress-gateway chain there, and the gateway half in the gateway's namespace
 * ({@link EgressGatewayObjects}).
 *
 * <p>Which policies apply to a namespace: those of every workspace claiming it and of their groups
 * covering it. Allowed hosts add up (the first by FQN wins for a host named twice). A group's
 * outboundMode replaces its workspace's there; when the deciding policies disagree, REGISTRY_ONLY
 * wins (fail closed), reported. A host through a gateway that is missing, not placed here, or does
 * not grant the policy that host is left out, reported: that namespace then cannot reach it when
 * its mode is REGISTRY_ONLY.
 */
final class EgressTranslation {
  private final ConfigSnapshot snapshot;
  private final ClusterView view;
  private final Placement placement;
  private final Emission emission;
  private final EgressGatewayObjects objects;
  private final EgressNetworkPolicies networkPolicies;
  private final Map<String, SidecarEgress> sidecars = new HashMap<>();

  EgressTranslation(
      ConfigSnapshot snapshot, ClusterView view, Placement placement, Emission emission) {
    this.snapshot = snapshot;
    this.view = view;
    this.placement = placement;
    this.emission = emission;
    this.objects = new EgressGatewayObjects(emission);
    this.networkPolicies = new EgressNetworkPolicies(emission);
  }

  /** What egress adds to the Sidecar of {@code namespace} (empty when nothing). */
  SidecarEgress sidecar(String namespace) {
    return sidecars.getOrDefault(namespace, new SidecarEgress());
  }

  void run() {
    List<Resource> workspaces = snapshot.ofKind(Kind.WORKSPACE);
    List<Resource> groups = snapshot.ofKind(Kind.GROUP);
    for (String ns : view.namespaces()) {
      var claimants = new ArrayList<Resource>();
      for (Resource ws : workspaces) {
        if (placement.covers(fqn(ws), view.name(), ns)) {
          claimants.add(ws);
        }
      }
      if (claimants.isEmpty()) {
        continue;
      }
      var covering = new ArrayList<Resource>();
      for (Resource g : groups) {
        Optional<Fqn> ws = Placement.ancestor(fqn(g), Kind.WORKSPACE);
        boolean ofClaimant =
            ws.isPresent() && claimants.stream().anyMatch(c -> fqn(c).equals(ws.get()));
        if (ofClaimant && placement.covers(fqn(g), view.name(), ns)) {
          covering.add(g);
        }
      }
      var sidecar = new SidecarEgress();
      mode(ns, claimants, covering, sidecar);
      var sources = new ArrayList<Resource>(claimants);
      sources.addAll(covering);
      sources.sort((a, b) -> Provenance.fqn(a).compareTo(Provenance.fqn(b)));
      var first = new TreeMap<String, Resource>();
      for (Resource source : sources) {
        for (ExternalHost host : egress(source).getAllowedHostsList()) {
          Resource earlier = first.putIfAbsent(host.getHost(), source);
          if (earlier != null) {
            emission.warn(
                source,
                "allowed host "
                    + host.getHost()
                    + " in namespace "
                    + ns
                    + " is already allowed by "
                    + Provenance.fqn(earlier)
                    + " (first by FQN wins); this entry is not applied there");
            continue;
          }
          allow(ns, source, host, sidecar);
        }
      }
      networkPolicies.emit(ns, sources, sidecar.gateways(), gatewayNamespaces());
      if (sidecar.mode() != OutboundMode.OUTBOUND_MODE_UNSPECIFIED || !sidecar.hosts().isEmpty()) {
        sidecars.put(ns, sidecar);
      }
    }
    objects.emitGatewaySides();
  }

  private void mode(
      String ns, List<Resource> workspaces, List<Resource> groups, SidecarEgress sidecar) {
    List<Resource> deciding = withMode(groups);
    if (deciding.isEmpty()) {
      deciding = withMode(workspaces);
    }
    if (deciding.isEmpty()) {
      return;
    }
    Optional<Resource> strict =
        deciding.stream()
            .filter(r -> egress(r).getOutboundMode() == OutboundMode.REGISTRY_ONLY)
            .findFirst();
    if (strict.isPresent()) {
      deciding.stream()
          .filter(r -> egress(r).getOutboundMode() != OutboundMode.REGISTRY_ONLY)
          .forEach(
              r ->
                  emission.warn(
                      r,
                      "outboundMode "
                          + egress(r).getOutboundMode()
                          + " for namespace "
                          + ns
                          + " is overridden by REGISTRY_ONLY of "
                          + Provenance.fqn(strict.get())
                          + " (the stricter wins)"));
      sidecar.mode(OutboundMode.REGISTRY_ONLY, deciding);
    } else {
      sidecar.mode(OutboundMode.ALLOW_ANY, deciding);
    }
  }

  private static List<Resource> withMode(List<Resource> scopes) {
    return scopes.stream()
        .filter(
            r -> {
              OutboundMode m = egress(r).getOutboundMode();
              return m == OutboundMode.REGISTRY_ONLY || m == OutboundMode.ALLOW_ANY;
            })
        .toList();
  }

  private void allow(String ns, Resource source, ExternalHost host, SidecarEgress sidecar) {
    if (host.getEgressGateway().isEmpty()) {
      objects.serviceEntry(ns, source, host, List.of(source));
      return;
    }
    Optional<Resource> gateway = gateway(host.getEgressGateway());
    if (gateway.isEmpty()) {
      leftOut(ns, source, host, host.getEgressGateway() + " is not in the snapshot", sidecar);
      return;
    }
    Resource gw = gateway.get();
    String gwNamespace = gw.getEgressGateway().getWorkloadNamespace();
    if (!placement.scopeExists(fqn(gw)) || !placement.coversHere(fqn(gw), gwNamespace)) {
      String why =
          Provenance.fqn(gw)
              + " is not placed in cluster "
              + view.name()
              + " (its group does not cover "
              + gwNamespace
              + " here)";
      leftOut(ns, source, host, why, sidecar);
      return;
    }
    boolean byScope = EgressGrants.scopeAllowed(gw, fqn(source), host.getHost());
    var principals = EgressGrants.principalsIn(gw, ns, host.getHost());
    if (!byScope && principals.isEmpty()) {
      String why = Provenance.fqn(gw) + " grants " + Provenance.fqn(source) + " no passage to it";
      leftOut(ns, source, host, why, sidecar);
      return;
    }
    if (ns.equals(gwNamespace)) {
      return; // the gateway's own namespace: the gateway half's ServiceEntry serves it
    }
    objects.serviceEntry(ns, source, host, List.of(source, gw));
    objects.clientRoute(ns, source, gw, host, byScope);
    sidecar.addHost(EgressGatewayObjects.gatewayServiceNamespacedHost(gw), gw);
  }

  /** Reports a host through a gateway that is left out in {@code ns}, and what that means. */
  private void leftOut(
      String ns, Resource source, ExternalHost host, String why, SidecarEgress sidecar) {
    emission.warn(
        source,
        "allowed host "
            + host.getHost()
            + ": egress gateway "
            + why
            + "; the host is left out in namespace "
            + ns
            + (sidecar.mode() == OutboundMode.REGISTRY_ONLY
                ? ", which its REGISTRY_ONLY mode then blocks"
                : " (no route through the gateway)"));
  }

  /** The namespaces egress gateways placed here run in. */
  private Set<String> gatewayNamespaces() {
    var out = new TreeSet<String>();
    for (Resource gw : snapshot.ofKind(Kind.EGRESS_GATEWAY)) {
      String ns = gw.getEgressGateway().getWorkloadNamespace();
      if (placement.scopeExists(fqn(gw)) && placement.coversHere(fqn(gw), ns)) {
        out.add(ns);
      }
    }
    return out;
  }

  private Optional<Resource> gateway(String fqnText) {
    try {
      return snapshot
          .get(Fqn.parse(fqnText))
          .filter(r -> r.getKind().equals(Kind.EGRESS_GATEWAY.kindName()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static EgressPolicy egress(Resource scope) {
    return scope.hasWorkspace() ? scope.getWorkspace().getEgress() : scope.getGroup().getEgress();
  }

  private static Fqn fqn(Resource r) {
    return Fqn.parse(Provenance.fqn(r));
  }
}
