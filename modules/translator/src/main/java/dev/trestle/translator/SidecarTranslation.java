package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuthorizationRule;
import dev.trestle.protocol.v1.OutboundMode;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SecuritySettingSpec;
import io.fabric8.istio.api.api.networking.v1alpha3.IstioEgressListener;
import io.fabric8.istio.api.api.networking.v1alpha3.OutboundTrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.OutboundTrafficPolicyMode;
import io.fabric8.istio.api.networking.v1.Sidecar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Sidecar per workspace namespace: the workspace isolation boundary.
 *
 * <p>The proxies of a workspace namespace see (egress hosts) only: their own namespace, {@code
 * istio-system}, every namespace of their workspace, and the services other workspaces' allow rules
 * admit them to (a service-specific SecuritySetting grants its one host, a group-wide one the
 * namespaces of its group). Services outside that boundary are not in the proxies' registry at all,
 * so they cannot be called through the mesh, whatever their AuthorizationPolicies say. Egress
 * ({@link EgressTranslation}) adds the outbound mode and the egress gateway services the
 * namespace's allowed hosts go through.
 */
final class SidecarTranslation {
  static final String CONTROL_PLANE_NAMESPACE = "istio-system";
  private static final Pattern PRINCIPAL_NAMESPACE = Pattern.compile("(?:^|/)ns/([^/]+)/sa/");

  private final ConfigSnapshot snapshot;
  private final ClusterView view;
  private final Placement placement;
  private final EgressTranslation egressOf;
  private final Emission emission;

  SidecarTranslation(
      ConfigSnapshot snapshot,
      ClusterView view,
      Placement placement,
      EgressTranslation egressOf,
      Emission emission) {
    this.snapshot = snapshot;
    this.view = view;
    this.placement = placement;
    this.egressOf = egressOf;
    this.emission = emission;
  }

  /** What a SecuritySetting exposes, and to which caller namespaces (null: to anyone). */
  private record Grant(Resource setting, Set<String> callerNamespaces, SortedSet<String> hosts) {
    boolean admits(String namespace) {
      return callerNamespaces == null || callerNamespaces.contains(namespace);
    }
  }

  void run() {
    List<Grant> grants = grants();
    List<Resource> workspaces = snapshot.ofKind(Kind.WORKSPACE);
    for (String ns : view.namespaces()) {
      var claimants = new ArrayList<Resource>();
      for (Resource ws : workspaces) {
        if (placement.covers(Fqn.parse(Provenance.fqn(ws)), view.name(), ns)) {
          claimants.add(ws);
        }
      }
      if (claimants.isEmpty()) {
        continue;
      }
      if (claimants.size() > 1) {
        for (Resource other : claimants.subList(1, claimants.size())) {
          emission.warn(
              other,
              "namespace "
                  + ns
                  + " is also claimed by "
                  + Provenance.fqn(claimants.get(0))
                  + "; its Sidecar joins the boundaries of both");
        }
      }
      var hosts = new TreeSet<String>();
      hosts.add(CONTROL_PLANE_NAMESPACE + "/*");
      var inputs = new ArrayList<Resource>(claimants);
      for (Resource ws : claimants) {
        for (String n : placement.identityNamespaces(Fqn.parse(Provenance.fqn(ws)))) {
          hosts.add(n + "/*");
        }
      }
      for (Grant g : grants) {
        if (g.admits(ns)) {
          hosts.addAll(g.hosts());
          inputs.add(g.setting());
        }
      }
      SidecarEgress egress = egressOf.sidecar(ns);
      hosts.addAll(egress.hosts());
      inputs.addAll(egress.inputs());
      // "./*" covers the own namespace; "n/*" covers every single host of namespace n.
      hosts.removeIf(
          h -> {
            String hostNs = h.substring(0, h.indexOf('/'));
            return hostNs.equals(ns) || (!h.endsWith("/*") && hosts.contains(hostNs + "/*"));
          });
      var egressHosts = new ArrayList<String>();
      egressHosts.add("./*");
      egressHosts.addAll(hosts);
      var listener = new IstioEgressListener();
      listener.setHosts(egressHosts);
      var spec = new io.fabric8.istio.api.api.networking.v1alpha3.Sidecar();
      spec.setEgress(List.of(listener));
      if (egress.mode() == OutboundMode.REGISTRY_ONLY || egress.mode() == OutboundMode.ALLOW_ANY) {
        var outbound = new OutboundTrafficPolicy();
        outbound.setMode(OutboundTrafficPolicyMode.valueOf(egress.mode().name()));
        spec.setOutboundTrafficPolicy(outbound);
      }
      Resource primary = claimants.get(0);
      Provenance provenance = Provenance.of(primary, inputs);
      var sidecar = new Sidecar();
      sidecar.setMetadata(
          provenance.meta(
              ObjectNames.name(primary.getMetadata().getName(), provenance.sourceFqn()), ns));
      sidecar.setSpec(spec);
      emission.emit(sidecar, provenance);
    }
  }

  private List<Grant> grants() {
    var out = new ArrayList<Grant>();
    for (Resource setting : snapshot.ofKind(Kind.SECURITY_SETTING)) {
      Fqn fqn = Fqn.parse(Provenance.fqn(setting));
      SecuritySettingSpec spec = setting.getSecuritySetting();
      if (spec.getAllowCount() == 0 || !placement.scopeExists(fqn)) {
        continue;
      }
      var hosts = new TreeSet<String>();
      if (spec.getService().isEmpty()) {
        placement.identityNamespaces(fqn).forEach(n -> hosts.add(n + "/*"));
      } else {
        Optional<ServiceRef> ref = ServiceRef.parse(spec.getService());
        if (ref.isEmpty()) {
          continue;
        }
        hosts.add(ref.get().namespace() + "/" + ref.get().host());
      }
      Set<String> callers = new TreeSet<>();
      boolean anyone = false;
      for (AuthorizationRule rule : spec.getAllowList()) {
        int named =
            rule.getFromWorkspacesCount()
                + rule.getFromGroupsCount()
                + rule.getFromNamespacesCount()
                + rule.getFromPrincipalsCount();
        if (named == 0) {
          anyone = true;
        }
        callers.addAll(rule.getFromNamespacesList());
        for (String scope : rule.getFromWorkspacesList()) {
          callers.addAll(scopeNamespaces(scope));
        }
        for (String scope : rule.getFromGroupsList()) {
          callers.addAll(scopeNamespaces(scope));
        }
        for (String principal : rule.getFromPrincipalsList()) {
          Matcher m = PRINCIPAL_NAMESPACE.matcher(principal);
          if (m.find()) {
            callers.add(m.group(1));
          }
        }
      }
      out.add(new Grant(setting, anyone ? null : callers, hosts));
    }
    return out;
  }

  private SortedSet<String> scopeNamespaces(String fqnText) {
    try {
      Fqn fqn = Fqn.parse(fqnText);
      return snapshot.get(fqn).isPresent() && placement.scopeExists(fqn)
          ? placement.identityNamespaces(fqn)
          : new TreeSet<>();
    } catch (IllegalArgumentException e) {
      return new TreeSet<>(); // SecurityTranslation reports it
    }
  }
}
