package dev.trestle.management;

import dev.trestle.protocol.v1.GroupSpec;
import dev.trestle.protocol.v1.GroupType;
import dev.trestle.protocol.v1.Resource;
import java.util.Map;

/** A group: a type, selectors within its workspace's, and its egress policy. */
final class GroupRules implements KindRules {
  @Override
  public void check(Resource resource, Checks c) {
    GroupSpec spec = resource.getGroup();
    if (spec.getType() == GroupType.GROUP_TYPE_UNSPECIFIED) {
      c.add("spec.type", "is required: TRAFFIC, SECURITY or GATEWAY");
    }
    var own = Placement.selectors(c, "spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    c.duplicates("spec.namespaceSelectors", spec.getNamespaceSelectorsList());
    if (c.inContext()) {
      Placement.withinWorkspace(c, own);
    }
    EgressRules.policy(c, "spec.egress", spec.getEgress());
  }

  @Override
  public void references(Resource resource, Map<String, String> refs) {
    EgressRules.references("spec.egress", resource.getGroup().getEgress(), refs);
  }

  @Override
  public void inContext(Resource resource, Checks c) {
    Placement.withinWorkspace(
        c, Placement.parseAll(resource.getGroup().getNamespaceSelectorsList()));
  }
}
