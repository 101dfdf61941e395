package dev.trestle.edge.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.protocol.v1.IstioInventory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a cluster's Istio from the Kubernetes API (docs/upgrades.md): istiod Deployments (label
 * {@code app: istiod}; revision from {@code istio.io/rev}, version from the {@code discovery}
 * container's image tag, readiness from its replicas), revision tags (MutatingWebhookConfigurations
 * labelled {@code istio.io/tag}, pointing at their {@code istio.io/rev}), the {@code istio.io/rev}
 * and {@code istio-injection} labels of namespaces, and injected pods (annotation {@code
 * sidecar.istio.io/status}) counted per revision and {@code istio-proxy} image version.
 */
public final class KubernetesIstio {
  static final String REV = "istio.io/rev";
  static final String TAG = "istio.io/tag";
  static final String INJECTION = "istio-injection";
  static final String SIDECAR_STATUS = "sidecar.istio.io/status";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubernetesIstio() {}

  /**
   * The report from the API server; {@code namespaces} are the ones the caller listed already. May
   * throw KubernetesClientException (e.g. no permission to list Deployments).
   */
  public static IstioInventory read(KubernetesClient client, List<Namespace> namespaces) {
    var facts = new IstioFacts();
    for (Deployment d :
        client.apps().deployments().inAnyNamespace().withLabel("app", "istiod").list().getItems()) {
      String revision = label(d.getMetadata().getLabels(), REV, IstioFacts.DEFAULT_REVISION);
      String version = "";
      if (d.getSpec() != null
          && d.getSpec().getTemplate() != null
          && d.getSpec().getTemplate().getSpec() != null) {
        version =
            containers(d.getSpec().getTemplate().getSpec().getContainers(), null)
                .filter(c -> "discovery".equals(c.getName()))
                .findFirst()
                .map(c -> IstioFacts.imageVersion(c.getImage()))
                .orElse("");
      }
      int wanted =
          d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      int ready =
          d.getStatus() == null || d.getStatus().getReadyReplicas() == null
              ? 0
              : d.getStatus().getReadyReplicas();
      facts.revision(revision, version, ready, wanted);
    }
    for (MutatingWebhookConfiguration w :
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withLabel(TAG)
            .list()
            .getItems()) {
      Map<String, String> labels = w.getMetadata().getLabels();
      facts.tag(labels.get(TAG), label(labels, REV, IstioFacts.DEFAULT_REVISION));
    }
    for (Namespace ns : namespaces) {
      Map<String, String> labels = ns.getMetadata().getLabels();
      facts.namespace(
          ns.getMetadata().getName(), label(labels, REV, ""), label(labels, INJECTION, ""));
    }
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      Map<String, String> annotations = pod.getMetadata().getAnnotations();
      if (annotations == null || !annotations.containsKey(SIDECAR_STATUS)) {
        continue;
      }
      String revision = statusRevision(annotations.get(SIDECAR_STATUS));
      if (revision.isEmpty()) {
        revision = label(pod.getMetadata().getLabels(), REV, IstioFacts.DEFAULT_REVISION);
      }
      String version =
          pod.getSpec() == null
              ? ""
              : containers(pod.getSpec().getContainers(), pod.getSpec().getInitContainers())
                  .filter(c -> "istio-proxy".equals(c.getName()))
                  .findFirst()
                  .map(c -> IstioFacts.imageVersion(c.getImage()))
                  .orElse("");
      facts.proxies(revision, version, 1);
    }
    return facts.build();
  }

  /** The {@code revision} of a sidecar status annotation (JSON); empty when it names none. */
  static String statusRevision(String status) {
    try {
      JsonNode n = JSON.readTree(status);
      return n != null && n.path("revision").isTextual() ? n.path("revision").asText() : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String label(Map<String, String> labels, String key, String absent) {
    if (labels == null) {
      return absent;
    }
    String value = labels.get(key);
    return value == null || value.isEmpty() ? absent : value;
  }

  // Native sidecars (Kubernetes 1.28+) put istio-proxy among the init containers.
  private static Stream<Container> containers(List<Container> main, List<Container> init) {
    return Stream.concat(
        main == null ? Stream.empty() : main.stream(),
        init == null ? Stream.empty() : init.stream());
  }
}
