package dev.trestle.edge;

import dev.trestle.edge.istio.NamespaceRevisionApplier;
import dev.trestle.translator.ObjectKey;
import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desired state applied to a Kubernetes API server with server-side apply (field manager {@value
 * #FIELD_MANAGER}, conflicts forced: Trestle owns these objects). A version is first sent as a
 * server-side dry run (the API server's schema and Istio's validating webhook see every object
 * before any is changed), then applied; objects no longer wanted are deleted only when they carry
 * {@code app.kubernetes.io/managed-by: trestle}. If the real apply fails half way, the objects it
 * changed are put back to the previous version as far as possible. A revision rollout's {@code
 * NamespaceRevision} objects are not stored as such: they set a namespace label ({@link
 * NamespaceRevisionApplier}).
 */
public final class KubernetesTarget implements ApplyTarget {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesTarget.class);
  public static final String FIELD_MANAGER = "trestle-edge";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final KubernetesClient client;
  private final boolean dryRunFirst;

  public KubernetesTarget(KubernetesClient client, boolean dryRunFirst) {
    this.client = client;
    this.dryRunFirst = dryRunFirst;
  }

  @Override
  public String describe() {
    return "Kubernetes " + client.getMasterUrl();
  }

  static ResourceDefinitionContext context(ObjectKey key) {
    String apiVersion = key.apiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(key.kind())
        .withPlural(Pluralize.toPlural(key.kind().toLowerCase(Locale.ROOT)))
        .withNamespaced(true)
        .build();
  }

  private GenericKubernetesResource resource(EdgeObject o) {
    return client.getKubernetesSerialization().unmarshal(o.json(), GenericKubernetesResource.class);
  }

  private void serverSideApply(EdgeObject o, boolean dryRun) {
    if (NamespaceRevisionApplier.handles(o.key().apiVersion(), o.key().kind())) {
      NamespaceRevisionApplier.apply(client, o.json(), dryRun);
      return;
    }
    var op =
        client
            .genericKubernetesResources(context(o.key()))
            .inNamespace(o.key().namespace())
            .resource(resource(o));
    try {
      if (dryRun) {
        op.dryRun().fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      } else {
        op.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // An API server creates the object on server-side apply; a few (fabric8's mock server, some
      // older proxies) answer 404 for a missing object instead: create it then. A missing
      // namespace or CRD still fails here, with the create's error.
      if (dryRun) {
        op.dryRun().create();
      } else {
        op.create();
      }
    }
  }

  /** Deletes the live object if it is there and labelled as Trestle's; true when deleted. */
  private boolean deleteManaged(ObjectKey key) {
    if (NamespaceRevisionApplier.handles(key.apiVersion(), key.kind())) {
      return false; // a rollout that goes leaves the namespace's label as it is
    }
    var handle =
        client
            .genericKubernetesResources(context(key))
            .inNamespace(key.namespace())
            .withName(key.name());
    GenericKubernetesResource live = handle.get();
    if (live == null) {
      return false;
    }
    Map<String, String> labels = live.getMetadata().getLabels();
    if (labels == null || !"trestle".equals(labels.get(MANAGED_BY))) {
      LOG.warn("not deleting {}: it is not labelled {}: trestle", key, MANAGED_BY);
      return false;
    }
    handle.delete();
    return true;
  }

  @Override
  public void apply(
      AppliedState previous, AppliedState next, List<EdgeObject> upserts, List<ObjectKey> deletes)
      throws ApplyException {
    if (dryRunFirst) {
      var errors = new TreeMap<ObjectKey, String>();
      for (EdgeObject o : upserts) {
        try {
          serverSideApply(o, true);
        } catch (KubernetesClientException e) {
          errors.put(o.key(), "API server rejected it (dry run): " + message(e));
        }
      }
      if (!errors.isEmpty()) {
        throw new ApplyException(
            "the API server rejected " + errors.size() + " object(s)", errors, null);
      }
    }
    var done = new ArrayList<EdgeObject>();
    EdgeObject current = null;
    try {
      for (EdgeObject o : upserts) {
        current = o;
        serverSideApply(o, false);
        done.add(o);
      }
      current = null;
      for (ObjectKey key : deletes) {
        deleteManaged(key);
      }
    } catch (KubernetesClientException e) {
      rollBack(previous, done);
      Map<ObjectKey, String> errors =
          current == null
              ? Map.of()
              : Map.of(current.key(), "API server rejected it: " + message(e));
      throw new ApplyException("Kubernetes apply failed: " + message(e), errors, e);
    }
  }

  private void rollBack(AppliedState previous, List<EdgeObject> done) {
    for (EdgeObject o : done) {
      EdgeObject before = previous.objects().get(o.key());
      try {
        if (before == null) {
          deleteManaged(o.key());
        } else if (!before.contentHash().equals(o.contentHash())) {
          serverSideApply(before, false);
        }
      } catch (KubernetesClientException e) {
        LOG.error(
            "could not put {} back to version {}: {}", o.key(), previous.version(), message(e));
      }
    }
  }

  @Override
  public void restore(AppliedState state) throws ApplyException {
    apply(AppliedState.EMPTY, state, new ArrayList<>(state.objects().values()), List.of());
  }

  static String message(KubernetesClientException e) {
    String text =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return text == null ? e.getClass().getSimpleName() : text.replaceAll("\\s+", " ").strip();
  }

  @Override
  public void close() {
    client.close();
  }
}
