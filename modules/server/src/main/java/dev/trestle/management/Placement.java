package dev.trestle.management;

import dev.trestle.protocol.Kind;
import dev.trestle.protocol.NamespaceSelector;
import dev.trestle.protocol.v1.GroupSpec;
import dev.trestle.protocol.v1.WorkspaceSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things run: namespace selectors ("cluster/namespace"), a group's selectors within its
 * workspace's, and services ("namespace/name") in a namespace the placement selects.
 */
final class Placement {
  private Placement() {}

  static List<NamespaceSelector> selectors(Checks c, String field, List<String> texts) {
    var parsed = new ArrayList<NamespaceSelector>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      var selector = NamespaceSelector.parse(text).filter(Placement::dnsLabelParts);
      if (selector.isEmpty()) {
        c.add(
            field + "[" + i + "]",
            "'" + text + "' is not a selector 'cluster/namespace' (either part may be '*')");
      } else {
        parsed.add(selector.get());
      }
    }
    return parsed;
  }

  /** Each part of a selector is {@code *} or a DNS label (the parsing itself is shared). */
  private static boolean dnsLabelParts(NamespaceSelector s) {
    return (s.cluster().equals(NamespaceSelector.ANY) || Names.dnsLabelProblem(s.cluster()) == null)
        && (s.namespace().equals(NamespaceSelector.ANY)
            || Names.dnsLabelProblem(s.namespace()) == null);
  }

  /** A group's own selectors lie within its workspace's. */
  static void withinWorkspace(Checks c, List<NamespaceSelector> own) {
    c.context()
        .ancestor(Kind.WORKSPACE)
        .ifPresent(
            ws -> {
              var outer =
                  ((WorkspaceSpec) ResourceMapper.spec(ws))
                      .getNamespaceSelectorsList().stream()
                          .flatMap(s -> NamespaceSelector.parse(s).stream())
                          .toList();
              for (int i = 0; i < own.size(); i++) {
                NamespaceSelector s = own.get(i);
                if (outer.stream().noneMatch(s::within)) {
                  c.add(
                      "spec.namespaceSelectors[" + i + "]",
                      "'"
                          + s
                          + "' is outside workspace "
                          + ws.fqn()
                          + " (selectors "
                          + outer
                          + ")");
                }
              }
            });
  }

  /** Checks "namespace/name" and, in context, that the namespace lies in the placement. */
  static void service(Checks c, String field, String service, boolean required) {
    if (wellFormed(c, field, service, required) && c.inContext()) {
      placed(c, field, service);
    }
  }

  /**
   * Checks "namespace/name" only (a service anywhere, e.g. a rate-limit service); whether one is
   * there to check further.
   */
  static boolean wellFormed(Checks c, String field, String service, boolean required) {
    if (service.isEmpty()) {
      if (required) {
        c.add(field, "is required as 'namespace/name'");
      }
      return false;
    }
    String[] parts = service.split("/", -1);
    if (parts.length != 2
        || Names.dnsLabelProblem(parts[0]) != null
        || Names.dnsLabelProblem(parts[1]) != null) {
      c.add(field, "'" + service + "' must be 'namespace/name' with DNS-1123 labels");
      return false;
    }
    return true;
  }

  /** A well-formed "namespace/name" (or none) lies in a namespace the placement selects. */
  static void placed(Checks c, String field, String service) {
    if (service.isEmpty()) {
      return;
    }
    String namespace = service.substring(0, service.indexOf('/'));
    List<NamespaceSelector> placement = placement(c.context());
    if (!placement.isEmpty() && placement.stream().noneMatch(s -> s.selectsNamespace(namespace))) {
      c.add(
          field,
          "namespace '"
              + namespace
              + "' is not selected by the group's namespace selectors "
              + placement);
    }
  }

  /** The group's selectors, or the workspace's when the group has none. */
  private static List<NamespaceSelector> placement(ValidationContext context) {
    var group = context.ancestor(Kind.GROUP).map(g -> (GroupSpec) ResourceMapper.spec(g));
    if (group.isPresent() && group.get().getNamespaceSelectorsCount() > 0) {
      return parseAll(group.get().getNamespaceSelectorsList());
    }
    return context
        .ancestor(Kind.WORKSPACE)
        .map(w -> parseAll(((WorkspaceSpec) ResourceMapper.spec(w)).getNamespaceSelectorsList()))
        .orElse(List.of());
  }

  static List<NamespaceSelector> parseAll(List<String> texts) {
    return texts.stream().flatMap(s -> NamespaceSelector.parse(s).stream()).toList();
  }
}
