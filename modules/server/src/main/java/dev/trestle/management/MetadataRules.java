package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.v1.GroupSpec;
import dev.trestle.protocol.v1.GroupType;
import dev.trestle.protocol.v1.ResourceMetadata;
import java.util.HashSet;
import java.util.Set;

/** A document's identity: its names, parents, labels and version; its group's type in context. */
final class MetadataRules {
  private MetadataRules() {}

  static void check(Kind kind, ResourceMetadata m, Checks c) {
    c.name("metadata.name", m.getName());
    Set<Kind> lineage = new HashSet<>(kind.lineage());
    parentName(c, lineage, kind, Kind.ORGANIZATION, "metadata.organization", m.getOrganization());
    parentName(c, lineage, kind, Kind.TENANT, "metadata.tenant", m.getTenant());
    parentName(c, lineage, kind, Kind.WORKSPACE, "metadata.workspace", m.getWorkspace());
    parentName(c, lineage, kind, Kind.GROUP, "metadata.group", m.getGroup());
    m.getLabelsMap()
        .forEach(
            (k, v) -> {
              String keyProblem = Names.labelKeyProblem(k);
              if (keyProblem != null) {
                c.add("metadata.labels." + k, keyProblem);
              }
              String valueProblem = Names.labelValueProblem(v);
              if (valueProblem != null) {
                c.add("metadata.labels." + k, valueProblem);
              }
            });
    if (m.getDescription().length() > 1024) {
      c.add("metadata.description", "is longer than 1024 characters");
    }
    if (m.getVersion() < 0) {
      c.add("metadata.version", "must not be negative");
    }
  }

  private static void parentName(
      Checks c, Set<Kind> lineage, Kind kind, Kind parent, String field, String value) {
    boolean needed = lineage.contains(parent) && kind != parent;
    if (needed) {
      String problem = Names.dnsLabelProblem(value);
      if (problem != null) {
        c.add(field, problem + " (a " + kind.kindName() + " lives in a " + parent.kindName() + ")");
      }
    } else if (!value.isEmpty()) {
      c.add(
          field,
          "must be empty: a " + kind.kindName() + " has no " + parent.kindName() + " parent");
    }
  }

  /** In context: a kind that needs a group of one type lives in a group of that type. */
  static void ancestry(Kind kind, Checks c) {
    if (kind.requiredGroupType().isEmpty()) {
      return;
    }
    c.context()
        .ancestor(Kind.GROUP)
        .ifPresent(
            group -> {
              GroupType type = ((GroupSpec) ResourceMapper.spec(group)).getType();
              GroupType needed = kind.requiredGroupType().get();
              if (type != needed) {
                c.add(
                    "metadata.group",
                    "group "
                        + group.fqn()
                        + " is of type "
                        + type
                        + "; a "
                        + kind.kindName()
                        + " needs a "
                        + needed
                        + " group");
              }
            });
  }
}
