package dev.trestle.edge.istio;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * A cluster with two istiod revisions for tests against fabric8's mock API server (CRUD mode):
 * {@code 1-21-3} (Istio 1.21.3, 2 of 2 replicas ready) and {@code 1-22-1} (1.22.1-distroless, 0 of
 * 1 ready), tags {@code stable → 1-21-3} and {@code canary → 1-22-1}, namespaces {@code shop} (rev
 * stable, plus a team label), {@code payments} (rev stable), {@code legacy} (istio-injection
 * enabled), {@code plain} (no Istio label), and injected pods: 2 in shop (1.21.3, revision from the
 * status annotation), 1 in payments (1.19.0, revision from the pod label only), 1 in legacy
 * (default revision), and an uninjected pod in plain.
 */
public final class IstioCluster {
  private IstioCluster() {}

  public static void create(KubernetesClient client) {
    istiod(client, "1-21-3", "docker.io/istio/pilot:1.21.3", 2, 2);
    istiod(client, "1-22-1", "docker.io/istio/pilot:1.22.1-distroless", 1, 0);
    tag(client, "stable", "1-21-3");
    tag(client, "canary", "1-22-1");
    namespace(client, "istio-system", Map.of());
    namespace(client, "shop", Map.of("istio.io/rev", "stable", "team", "web"));
    namespace(client, "payments", Map.of("istio.io/rev", "stable"));
    namespace(client, "legacy", Map.of("istio-injection", "enabled"));
    namespace(client, "plain", Map.of());
    String status21 = "{\"containers\":[\"istio-proxy\"],\"revision\":\"1-21-3\"}";
    pod(client, "shop", "web-1", Map.of("sidecar.istio.io/status", status21), Map.of(), "1.21.3");
    pod(client, "shop", "web-2", Map.of("sidecar.istio.io/status", status21), Map.of(), "1.21.3");
    pod(
        client,
        "payments",
        "pay-1",
        Map.of("sidecar.istio.io/status", "{\"containers\":[\"istio-proxy\"]}"),
        Map.of("istio.io/rev", "1-21-3"),
        "1.19.0");
    pod(client, "legacy", "old-1", Map.of("sidecar.istio.io/status", "{}"), Map.of(), "1.21.3");
    pod(client, "plain", "bare-1", Map.of(), Map.of(), null);
  }

  static void istiod(KubernetesClient client, String rev, String image, int wanted, int ready) {
    client
        .apps()
        .deployments()
        .inNamespace("istio-system")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("istiod-" + rev)
                .withNamespace("istio-system")
                .withLabels(Map.of("app", "istiod", "istio.io/rev", rev))
                .endMetadata()
                .withNewSpec()
                .withReplicas(wanted)
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("discovery")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .withNewStatus()
                .withReadyReplicas(ready)
                .endStatus()
                .build())
        .create();
  }

  static void tag(KubernetesClient client, String tag, String rev) {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("istio-revision-tag-" + tag)
                .withLabels(Map.of("istio.io/tag", tag, "istio.io/rev", rev))
                .endMetadata()
                .build())
        .create();
  }

  public static void namespace(KubernetesClient client, String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  static void pod(
      KubernetesClient client,
      String ns,
      String name,
      Map<String, String> annotations,
      Map<String, String> labels,
      String proxyVersion) {
    var spec =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withAnnotations(annotations)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("example/app:1")
            .endContainer();
    if (proxyVersion != null) {
      spec =
          spec.addNewContainer()
              .withName("istio-proxy")
              .withImage("docker.io/istio/proxyv2:" + proxyVersion)
              .endContainer();
    }
    client.pods().inNamespace(ns).resource(spec.endSpec().build()).create();
  }
}
