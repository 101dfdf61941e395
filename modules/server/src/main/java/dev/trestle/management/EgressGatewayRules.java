package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.EgressGatewaySpec;
import dev.trestle.protocol.v1.EgressGrant;
import dev.trestle.protocol.v1.Resource;
import java.util.Map;
import java.util.regex.Pattern;

/** An egress gateway: where its pods run, and who may send to which external hosts through it. */
final class EgressGatewayRules implements KindRules {
  private static final Pattern FULL_PRINCIPAL = Pattern.compile("[^/\\s]+/ns/[^/\\s]+/sa/[^/\\s]+");

  @Override
  public void check(Resource resource, Checks c) {
    EgressGatewaySpec spec = resource.getEgressGateway();
    c.name("spec.workloadNamespace", spec.getWorkloadNamespace());
    c.name("spec.service", spec.getService());
    if (spec.getWorkloadSelectorCount() == 0) {
      c.add("spec.workloadSelector", "at least one label selecting the gateway pods is required");
    }
    spec.getWorkloadSelectorMap()
        .forEach((k, v) -> c.labelPair("spec.workloadSelector." + k, k, v));
    for (int i = 0; i < spec.getAllowCount(); i++) {
      grant(c, "spec.allow[" + i + "]", spec.getAllow(i));
    }
  }

  private static void grant(Checks c, String f, EgressGrant g) {
    if (!g.getName().isEmpty()) {
      c.name(f + ".name", g.getName());
    }
    ReferenceRules.fqnsOfKind(c, f + ".fromWorkspaces", g.getFromWorkspacesList(), Kind.WORKSPACE);
    ReferenceRules.fqnsOfKind(c, f + ".fromGroups", g.getFromGroupsList(), Kind.GROUP);
    for (int j = 0; j < g.getFromPrincipalsCount(); j++) {
      if (!FULL_PRINCIPAL.matcher(g.getFromPrincipals(j)).matches()) {
        c.add(
            f + ".fromPrincipals[" + j + "]",
            "'"
                + g.getFromPrincipals(j)
                + "' must be a principal with its trust domain: td/ns/x/sa/y");
      }
    }
    if (g.getFromWorkspacesCount() + g.getFromGroupsCount() + g.getFromPrincipalsCount() == 0) {
      c.add(f, "names no caller (fromWorkspaces, fromGroups or fromPrincipals)");
    }
    if (g.getHostsCount() == 0) {
      c.add(f + ".hosts", "at least one host is required");
    }
    for (int j = 0; j < g.getHostsCount(); j++) {
      String problem = EgressRules.hostProblem(g.getHosts(j));
      if (problem != null) {
        c.add(f + ".hosts[" + j + "]", problem);
      }
    }
  }

  @Override
  public void references(Resource resource, Map<String, String> refs) {
    var allow = resource.getEgressGateway().getAllowList();
    for (int i = 0; i < allow.size(); i++) {
      var g = allow.get(i);
      SecuritySettingRules.scopes(
          "spec.allow[" + i + "]", g.getFromWorkspacesList(), g.getFromGroupsList(), refs);
    }
  }
}
