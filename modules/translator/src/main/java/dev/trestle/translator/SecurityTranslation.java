package dev.trestle.translator;

import dev.trestle.protocol.Fqn;
import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuthorizationRule;
import dev.trestle.protocol.v1.MtlsMode;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SecuritySettingSpec;
import dev.trestle.translator.SecurityTargets.Target;
import io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicyAction;
import io.fabric8.istio.api.api.security.v1beta1.Operation;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLS;
import io.fabric8.istio.api.api.security.v1beta1.PeerAuthenticationMutualTLSMode;
import io.fabric8.istio.api.api.security.v1beta1.Rule;
import io.fabric8.istio.api.api.security.v1beta1.RuleFrom;
import io.fabric8.istio.api.api.security.v1beta1.RuleTo;
import io.fabric8.istio.api.api.security.v1beta1.Source;
import io.fabric8.istio.api.api.type.v1beta1.WorkloadSelector;
import io.fabric8.istio.api.security.v1.AuthorizationPolicy;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * SecuritySettings → PeerAuthentications, ALLOW and DENY AuthorizationPolicies, and request-token
 * checks ({@link JwtTranslation}).
 */
final class SecurityTranslation {
  /** Label the workloads of a service are assumed to carry: {@code app: <service name>}. */
  static final String WORKLOAD_LABEL = "app";

  private final ConfigSnapshot snapshot;
  private final ClusterView view;
  private final Placement placement;
  private final Emission emission;
  private final JwtTranslation jwt;
  private final Map<String, Resource> peerAuthByTarget = new HashMap<>();
  private final Map<String, Resource> namespaceWidePolicies = new TreeMap<>();
  private final Map<String, List<Resource>> servicePoliciesByNamespace = new TreeMap<>();

  SecurityTranslation(
      ConfigSnapshot snapshot, ClusterView view, Placement placement, Emission emission) {
    this.snapshot = snapshot;
    this.view = view;
    this.placement = placement;
    this.emission = emission;
    this.jwt = new JwtTranslation(emission);
  }

  void run() {
    for (Resource setting : snapshot.ofKind(Kind.SECURITY_SETTING)) {
      Fqn fqn = Fqn.parse(Provenance.fqn(setting));
      if (!placement.scopeExists(fqn)) {
        emission.warn(setting, "its workspace or group is not in the snapshot; ignored");
        continue;
      }
      List<Target> targets = SecurityTargets.of(setting, fqn, placement, emission);
      if (targets.isEmpty()) {
        continue;
      }
      String trustDomain = trustDomain(setting, fqn);
      SecuritySettingSpec spec = setting.getSecuritySetting();
      List<Rule> rules = rules(setting, "allow", spec.getAllowList(), trustDomain);
      List<Rule> denyRules = rules(setting, "deny", spec.getDenyList(), trustDomain);
      Provenance provenance = Provenance.of(setting);
      String name = ObjectNames.name(setting.getMetadata().getName(), provenance.sourceFqn());
      String denyName =
          ObjectNames.name(
              setting.getMetadata().getName() + "-deny", provenance.sourceFqn() + "#deny");
      for (Target target : targets) {
        peerAuthentication(setting, target, name, provenance);
        // A DENY policy without rules would match nothing; one is emitted only with rules left.
        if (!denyRules.isEmpty()) {
          authorizationPolicy(
              target, denyName, AuthorizationPolicyAction.DENY, denyRules, provenance);
        }
        jwt.apply(setting, target.namespace(), target.selector(), provenance);
        if (spec.getAllowCount() > 0) {
          authorizationPolicy(target, name, AuthorizationPolicyAction.ALLOW, rules, provenance);
          if (target.selector() == null) {
            namespaceWidePolicies.putIfAbsent(target.namespace(), setting);
          } else {
            servicePoliciesByNamespace
                .computeIfAbsent(target.namespace(), n -> new ArrayList<>())
                .add(setting);
          }
        }
      }
    }
    servicePoliciesByNamespace.forEach(
        (ns, settings) -> {
          Resource wide = namespaceWidePolicies.get(ns);
          if (wide != null) {
            settings.stream()
                .filter(s -> s.getSecuritySetting().getDenyCount() == 0)
                .forEach(
                    s ->
                        emission.warn(
                            s,
                            "Istio ORs ALLOW policies: callers admitted by the namespace-wide "
                                + Provenance.fqn(wide)
                                + " in "
                                + ns
                                + " also reach "
                                + s.getSecuritySetting().getService()
                                + "; this setting adds callers, only deny rules can narrow them"));
          }
        });
  }

  /** The tenant's security domain, else the cluster's trust domain. */
  private String trustDomain(Resource setting, Fqn fqn) {
    String tenantDomain =
        Placement.ancestor(fqn, Kind.TENANT)
            .flatMap(snapshot::get)
            .map(t -> t.getTenant().getSecurityDomain().strip())
            .orElse("");
    if (tenantDomain.isEmpty()) {
      return view.trustDomain();
    }
    if (!tenantDomain.equals(view.trustDomain())) {
      emission.warn(
          setting,
          "the tenant's securityDomain "
              + tenantDomain
              + " differs from cluster "
              + view.name()
              + "'s trust domain "
              + view.trustDomain()
              + ": principals in it match no workload here unless it is a trust domain alias");
    }
    return tenantDomain;
  }

  private void peerAuthentication(Resource setting, Target target, String name, Provenance p) {
    MtlsMode mode = setting.getSecuritySetting().getMtlsMode();
    if (mode == MtlsMode.MTLS_MODE_UNSPECIFIED || mode == MtlsMode.UNRECOGNIZED) {
      return;
    }
    Resource first = peerAuthByTarget.putIfAbsent(target.key(), setting);
    if (first != null) {
      emission.warn(
          setting,
          "mTLS for "
              + (target.selector() == null ? "namespace " : "service ")
              + target.namespace()
              + (target.selector() == null ? "" : "/" + target.selector().get(WORKLOAD_LABEL))
              + " is already set by "
              + Provenance.fqn(first)
              + " (first by FQN wins); this mode is not applied there");
      return;
    }
    var spec = new io.fabric8.istio.api.api.security.v1beta1.PeerAuthentication();
    spec.setMtls(
        new PeerAuthenticationMutualTLS(PeerAuthenticationMutualTLSMode.valueOf(mode.name())));
    if (target.selector() != null) {
      spec.setSelector(new WorkloadSelector(new TreeMap<>(target.selector())));
    }
    var pa = new PeerAuthentication();
    pa.setMetadata(p.meta(name, target.namespace()));
    pa.setSpec(spec);
    emission.emit(pa, p);
  }

  private void authorizationPolicy(
      Target target,
      String name,
      AuthorizationPolicyAction action,
      List<Rule> rules,
      Provenance p) {
    var spec = new io.fabric8.istio.api.api.security.v1beta1.AuthorizationPolicy();
    spec.setAction(action);
    if (target.selector() != null) {
      spec.setSelector(new WorkloadSelector(new TreeMap<>(target.selector())));
    }
    // No rules left: an ALLOW policy without rules admits nothing (fail closed).
    spec.setRules(rules.isEmpty() ? null : rules);
    var ap = new AuthorizationPolicy();
    ap.setMetadata(p.meta(name, target.namespace()));
    ap.setSpec(spec);
    emission.emit(ap, p);
  }

  /**
   * Allow or deny rules as Istio's. A rule whose named callers all resolve to nothing is left out:
   * an allow rule then admits nobody (fail closed), a deny rule refuses nobody (it named no one
   * here), and neither may be written with an empty {@code from}, which would match everyone.
   */
  private List<Rule> rules(
      Resource setting, String verb, List<AuthorizationRule> given, String trustDomain) {
    var out = new ArrayList<Rule>();
    int index = 0;
    for (AuthorizationRule rule : given) {
      String label = rule.getName().isEmpty() ? "#" + index : "'" + rule.getName() + "'";
      index++;
      boolean namesCallers =
          rule.getFromWorkspacesCount()
                  + rule.getFromGroupsCount()
                  + rule.getFromNamespacesCount()
                  + rule.getFromPrincipalsCount()
              > 0;
      SortedSet<String> namespaces = new TreeSet<>(rule.getFromNamespacesList());
      for (String ws : rule.getFromWorkspacesList()) {
        namespaces.addAll(scopeNamespaces(setting, verb + " rule " + label, ws));
      }
      for (String group : rule.getFromGroupsList()) {
        namespaces.addAll(scopeNamespaces(setting, verb + " rule " + label, group));
      }
      SortedSet<String> principals = new TreeSet<>();
      for (String principal : rule.getFromPrincipalsList()) {
        String p = principal.strip();
        principals.add(p.startsWith("ns/") ? trustDomain + "/" + p : p);
      }
      if (namesCallers && namespaces.isEmpty() && principals.isEmpty()) {
        emission.warn(
            setting,
            verb
                + " rule "
                + label
                + " names callers of which none resolve in cluster "
                + view.name()
                + "; it is left out ("
                + (verb.equals("allow") ? "it admits nobody" : "it refuses nobody here")
                + ")");
        continue;
      }
      var r = new Rule();
      var from = new ArrayList<RuleFrom>();
      if (!namespaces.isEmpty()) {
        var source = new Source();
        source.setNamespaces(List.copyOf(namespaces));
        from.add(new RuleFrom(source));
      }
      if (!principals.isEmpty()) {
        var source = new Source();
        source.setPrincipals(List.copyOf(principals));
        from.add(new RuleFrom(source));
      }
      if (!from.isEmpty()) {
        r.setFrom(from);
      }
      if (rule.getPathsCount() + rule.getMethodsCount() + rule.getPortsCount() > 0) {
        var op = new Operation();
        if (rule.getPathsCount() > 0) {
          op.setPaths(List.copyOf(rule.getPathsList()));
        }
        if (rule.getMethodsCount() > 0) {
          op.setMethods(List.copyOf(rule.getMethodsList()));
        }
        if (rule.getPortsCount() > 0) {
          op.setPorts(rule.getPortsList().stream().map(Integer::toUnsignedString).toList());
        }
        r.setTo(List.of(new RuleTo(op)));
      }
      out.add(r);
    }
    return out;
  }

  /** The namespace names a workspace or group named in a rule stands for (see Placement). */
  private SortedSet<String> scopeNamespaces(Resource setting, String rule, String fqnText) {
    Fqn fqn;
    try {
      fqn = Fqn.parse(fqnText);
    } catch (IllegalArgumentException e) {
      emission.warn(setting, rule + ": " + e.getMessage());
      return new TreeSet<>();
    }
    if (snapshot.get(fqn).isEmpty() || !placement.scopeExists(fqn)) {
      emission.warn(setting, rule + ": " + fqnText + " is not in the snapshot");
      return new TreeSet<>();
    }
    return placement.identityNamespaces(fqn);
  }
}
