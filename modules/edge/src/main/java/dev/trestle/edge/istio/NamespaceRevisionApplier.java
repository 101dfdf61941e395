package dev.trestle.edge.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.translator.NamespaceRevisions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.Map;

/**
 * Applies the {@code trestle.dev/v1 NamespaceRevision} objects of a revision rollout ({@link
 * NamespaceRevisions}, docs/upgrades.md): {@code metadata.namespace} is the namespace, {@code
 * spec.revision} the value its {@code istio.io/rev} label must have, and a non-empty {@code
 * spec.restartedAt} restarts the namespace's Deployments the way {@code kubectl rollout restart}
 * does (the pod template annotation {@code kubectl.kubernetes.io/restartedAt}). Both are
 * server-side applies of only that field with the field manager {@value #FIELD_MANAGER}: no other
 * label, annotation or field is sent, so none is touched. Applying the same object again changes
 * nothing (same label, same annotation value: no new pods). Removing the object leaves the
 * namespace as it is.
 */
public final class NamespaceRevisionApplier {
  public static final String FIELD_MANAGER = "trestle-revision-rollout";
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  private static final ObjectMapper JSON = new ObjectMapper();

  private NamespaceRevisionApplier() {}

  public static boolean handles(String apiVersion, String kind) {
    return NamespaceRevisions.API_VERSION.equals(apiVersion)
        && NamespaceRevisions.KIND.equals(kind);
  }

  /** Labels the namespace (and restarts its Deployments when asked). */
  public static void apply(KubernetesClient client, String json, boolean dryRun) {
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("NamespaceRevision is not JSON", e);
    }
    String namespace = tree.path("metadata").path("namespace").asText();
    String revision = tree.path("spec").path("revision").asText();
    String restartedAt = tree.path("spec").path("restartedAt").asText("");
    Namespace label =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName(namespace)
            .withLabels(Map.of(KubernetesIstio.REV, revision))
            .endMetadata()
            .build();
    var ns = client.namespaces().resource(label);
    if (dryRun) {
      ns.dryRun().fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      return;
    }
    ns.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    if (!restartedAt.isEmpty()) {
      for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
        restart(client, namespace, d.getMetadata().getName(), restartedAt);
      }
    }
  }

  private static void restart(
      KubernetesClient client, String namespace, String name, String restartedAt) {
    Deployment patch =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .withAnnotations(Map.of(RESTARTED_AT, restartedAt))
            .endMetadata()
            .endTemplate()
            .endSpec()
            .build();
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(patch)
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }
}
