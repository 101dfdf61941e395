package dev.trestle.translator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The {@code trestle.dev/v1 NamespaceRevision} objects of revision rollouts (docs/upgrades.md): one
 * per namespace a rollout has moved (or moved back) in the cluster, saying which {@code
 * istio.io/rev} label the edge must set and, when workloads are to be restarted, the {@code
 * kubectl.kubernetes.io/restartedAt} value to restart them with. Only namespaces the cluster has
 * get one (a label must never create a namespace); when two rollouts name one namespace, the one
 * first by FQN wins.
 */
public final class NamespaceRevisions {
  public static final String API_VERSION = "trestle.dev/v1";
  public static final String KIND = "NamespaceRevision";
  public static final String NAME = "istio-revision";
  public static final String SOURCE_KIND = "RevisionRollout";

  /** One label a rollout asks for in this cluster. */
  public record Label(
      String rolloutFqn,
      long rolloutVersion,
      String namespace,
      String revision,
      String restartedAt) {}

  private NamespaceRevisions() {}

  /** {@code base} plus the labels' objects, still sorted by key and hashed as a whole. */
  public static DesiredObjects with(
      DesiredObjects base, List<Label> labels, SortedSet<String> namespaces) {
    if (labels.isEmpty()) {
      return base;
    }
    var objects = new TreeMap<ObjectKey, DesiredObject>();
    base.objects().forEach(o -> objects.put(o.key(), o));
    var sorted = new ArrayList<>(labels);
    sorted.sort(Comparator.comparing(Label::rolloutFqn).thenComparing(Label::namespace));
    for (Label l : sorted) {
      if (!namespaces.contains(l.namespace())) {
        continue;
      }
      DesiredObject o = object(l);
      objects.putIfAbsent(o.key(), o);
    }
    return DesiredObjects.of(base.cluster(), new ArrayList<>(objects.values()), base.diagnostics());
  }

  static DesiredObject object(Label l) {
    var resource = new GenericKubernetesResource();
    resource.setApiVersion(API_VERSION);
    resource.setKind(KIND);
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName(NAME)
            .withNamespace(l.namespace())
            .withLabels(Map.of(Provenance.MANAGED_BY, Provenance.MANAGER))
            .build());
    resource.setAdditionalProperty(
        "spec",
        Map.of(
            "revision", l.revision(),
            "restartedAt", l.restartedAt(),
            "rollout", l.rolloutFqn()));
    return DesiredObject.of(
        resource,
        SOURCE_KIND,
        l.rolloutFqn(),
        l.rolloutVersion(),
        List.of(l.rolloutFqn() + "@" + l.rolloutVersion()));
  }
}
