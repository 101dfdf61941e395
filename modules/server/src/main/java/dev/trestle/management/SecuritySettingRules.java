package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuthorizationRule;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SecuritySettingSpec;
import java.util.Map;

/** A security setting: authorization rules, whose sources may name workspaces and groups. */
final class SecuritySettingRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    SecuritySettingSpec spec = resource.getSecuritySetting();
    Placement.service(c, "spec.service", spec.getService(), false);
    for (int i = 0; i < spec.getAllowCount(); i++) {
      rule(c, "spec.allow[" + i + "]", spec.getAllow(i));
    }
    ExtensionRules.attachments(c, resource, "spec.extensions", spec.getExtensionsList());
    if (spec.hasWaf()) {
      WafRules.check(c, "spec.waf", spec.getWaf());
    }
  }

  private static void rule(Checks c, String f, AuthorizationRule rule) {
    if (!rule.getName().isEmpty()) {
      c.name(f + ".name", rule.getName());
    }
    ReferenceRules.fqnsOfKind(
        c, f + ".fromWorkspaces", rule.getFromWorkspacesList(), Kind.WORKSPACE);
    ReferenceRules.fqnsOfKind(c, f + ".fromGroups", rule.getFromGroupsList(), Kind.GROUP);
    for (int j = 0; j < rule.getFromNamespacesCount(); j++) {
      c.name(f + ".fromNamespaces[" + j + "]", rule.getFromNamespaces(j));
    }
    for (int j = 0; j < rule.getFromPrincipalsCount(); j++) {
      String p = rule.getFromPrincipals(j);
      if (p.isBlank() || p.contains(" ")) {
        c.add(
            f + ".fromPrincipals[" + j + "]", "must be a SPIFFE-style principal like td/ns/x/sa/y");
      }
    }
    for (int j = 0; j < rule.getPathsCount(); j++) {
      String p = rule.getPaths(j);
      if (!(p.startsWith("/") || p.startsWith("*"))) {
        c.add(f + ".paths[" + j + "]", "'" + p + "' must start with '/' or '*'");
      }
    }
    for (int j = 0; j < rule.getMethodsCount(); j++) {
      if (!HttpRules.HTTP_METHODS.contains(rule.getMethods(j))) {
        c.add(
            f + ".methods[" + j + "]",
            "'" + rule.getMethods(j) + "' is not one of " + Checks.sorted(HttpRules.HTTP_METHODS));
      }
    }
    for (int j = 0; j < rule.getPortsCount(); j++) {
      c.port(f + ".ports[" + j + "]", rule.getPorts(j), true);
    }
  }

  @Override
  public void inContext(Resource resource, Checks c) {
    Placement.placed(c, "spec.service", resource.getSecuritySetting().getService());
    ExtensionRules.usable(
        c, resource, "spec.extensions", resource.getSecuritySetting().getExtensionsList());
  }

  @Override
  public void references(Resource resource, Map<String, String> refs) {
    ExtensionRules.references(
        "spec.extensions", resource.getSecuritySetting().getExtensionsList(), refs);
    var allow = resource.getSecuritySetting().getAllowList();
    for (int i = 0; i < allow.size(); i++) {
      var rule = allow.get(i);
      for (int j = 0; j < rule.getFromWorkspacesCount(); j++) {
        refs.put("spec.allow[" + i + "].fromWorkspaces[" + j + "]", rule.getFromWorkspaces(j));
      }
      for (int j = 0; j < rule.getFromGroupsCount(); j++) {
        refs.put("spec.allow[" + i + "].fromGroups[" + j + "]", rule.getFromGroups(j));
      }
    }
  }
}
