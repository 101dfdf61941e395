package dev.trestle.management;

import dev.trestle.protocol.v1.Resource;
import dev.trestle.protocol.v1.WorkspaceSpec;
import java.util.Map;

/** A workspace: at least one well-formed, distinct namespace selector; its egress policy. */
final class WorkspaceRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    WorkspaceSpec spec = resource.getWorkspace();
    if (spec.getNamespaceSelectorsCount() == 0) {
      c.add("spec.namespaceSelectors", "at least one selector 'cluster/namespace' is required");
    }
    Placement.selectors(c, "spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    c.duplicates("spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    EgressRules.policy(c, "spec.egress", spec.getEgress());
  }

  @Override
  public void references(Resource resource, Map<String, String> refs) {
    EgressRules.references("spec.egress", resource.getWorkspace().getEgress(), refs);
  }
}
