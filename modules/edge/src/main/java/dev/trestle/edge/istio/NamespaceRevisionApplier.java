package dev.trestle.edge.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.translator.NamespaceRevisions;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.util.List;

/**
 * Applies the {@code trestle.dev/v1 NamespaceRevision} objects of a revision rollout ({@link
 * NamespaceRevisions}, docs/upgrades.md): {@code metadata.namespace} is the namespace, {@code
 * spec.revision} the value its {@code istio.io/rev} label must have, and a non-empty {@code
 * spec.restartedAt} restarts the namespace's Deployments the way {@code kubectl rollout restart}
 * does (the pod template annotation {@code kubectl.kubernetes.io/restartedAt}). Both are
 * server-side applies of only that field with the field manager {@value #FIELD_MANAGER}: no other
 * label, annotation or field is sent, so none is touched. An API server that does not take
 * server-side apply for an existing object (415: fabric8's mock server, some old proxies) gets a
 * JSON merge patch of the same one field instead. Applying the same object again changes nothing
 * (same label, same annotation value: no new pods). Removing the object leaves the namespace as it
 * is.
 */
public final class NamespaceRevisionApplier {
  public static final String FIELD_MANAGER = "trestle-revision-rollout";
  public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  private static final int UNSUPPORTED_MEDIA_TYPE = 415;
  private static final ObjectMapper JSON = new ObjectMapper();

  private NamespaceRevisionApplier() {}

  public static boolean handles(String apiVersion, String kind) {
    return NamespaceRevisions.API_VERSION.equals(apiVersion)
        && NamespaceRevisions.KIND.equals(kind);
  }

  /** Labels the namespace (and, unless a dry run, restarts its Deployments when asked). */
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
    ObjectNode label = JSON.createObjectNode();
    label.putObject("metadata").putObject("labels").put(KubernetesIstio.REV, revision);
    patch(client.namespaces().withName(namespace), "v1", "Namespace", namespace, label, dryRun);
    if (dryRun || restartedAt.isEmpty()) {
      return;
    }
    for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
      String name = d.getMetadata().getName();
      ObjectNode restart = JSON.createObjectNode();
      restart
          .putObject("spec")
          .putObject("template")
          .putObject("metadata")
          .putObject("annotations")
          .put(RESTARTED_AT, restartedAt);
      patch(
          client.apps().deployments().inNamespace(namespace).withName(name),
          "apps/v1",
          "Deployment",
          name,
          restart,
          false);
    }
  }

  /** Server-side apply of {@code fields} alone; a merge patch of them where SSA is refused. */
  private static <T> void patch(
      Resource<T> target,
      String apiVersion,
      String kind,
      String name,
      ObjectNode fields,
      boolean dryRun) {
    ObjectNode apply = fields.deepCopy();
    ObjectNode meta =
        apply.has("metadata") ? (ObjectNode) apply.get("metadata") : apply.putObject("metadata");
    meta.put("name", name);
    apply.put("apiVersion", apiVersion).put("kind", kind);
    List<String> dry = dryRun ? List.of("All") : null;
    try {
      target.patch(
          new PatchContext.Builder()
              .withPatchType(PatchType.SERVER_SIDE_APPLY)
              .withFieldManager(FIELD_MANAGER)
              .withForce(true)
              .withDryRun(dry)
              .build(),
          apply.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() != UNSUPPORTED_MEDIA_TYPE) {
        throw e;
      }
      target.patch(
          new PatchContext.Builder()
              .withPatchType(PatchType.JSON_MERGE)
              .withFieldManager(FIELD_MANAGER)
              .withDryRun(dry)
              .build(),
          fields.toString());
    }
  }
}
