package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.AuthorizationRule;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.SecuritySettingSpec;
import java.util.List;
import java.util.Map;

/**
 * A security setting: allow and deny rules, whose sources may name workspaces and groups, and
 * request tokens ({@link JwtRules}).
 */
final class SecuritySettingRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    SecuritySettingSpec spec = resource.getSecuritySetting();
    Placement.service(c, "spec.service", spec.getService(), false);
    for (int i = 0; i < spec.getAllowCount(); i++) {
      rule(c, "spec.allow[" + i + "]", spec.getAllow(i));
    }
    for (int i = 0; i < spec.getDenyCount(); i++) {
      rule(c, "spec.deny[" + i + "]", spec.getDeny(i));
    }
    if (spec.hasJwt()) {
      JwtRules.policy(c, "spec.jwt", spec.getJwt());
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
    principals(c, f + ".fromPrincipals", rule.getFromPrincipalsList());
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

  /** Mesh principals as callers: SPIFFE-style {@code td/ns/x/sa/y}. */
  static void principals(Checks c, String f, List<String> principals) {
    for (int j = 0; j < principals.size(); j++) {
      String p = principals.get(j);
      if (p.isBlank() || p.contains(" ")) {
        c.add(f + "[" + j + "]", "must be a SPIFFE-style principal like td/ns/x/sa/y");
      }
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
    callers("spec.allow", resource.getSecuritySetting().getAllowList(), refs);
    callers("spec.deny", resource.getSecuritySetting().getDenyList(), refs);
  }

  private static void callers(String f, List<AuthorizationRule> rules, Map<String, String> refs) {
    for (int i = 0; i < rules.size(); i++) {
      var rule = rules.get(i);
      scopes(f + "[" + i + "]", rule.getFromWorkspacesList(), rule.getFromGroupsList(), refs);
    }
  }

  /** Workspaces and groups named as callers, keyed by field path. */
  static void scopes(
      String f, List<String> workspaces, List<String> groups, Map<String, String> refs) {
    for (int j = 0; j < workspaces.size(); j++) {
      refs.put(f + ".fromWorkspaces[" + j + "]", workspaces.get(j));
    }
    for (int j = 0; j < groups.size(); j++) {
      refs.put(f + ".fromGroups[" + j + "]", groups.get(j));
    }
  }
}
