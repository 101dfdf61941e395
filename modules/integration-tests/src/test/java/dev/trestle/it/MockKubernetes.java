package dev.trestle.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * fabric8's mock Kubernetes API server in CRUD mode (objects are stored, listed, patched), on
 * 127.0.0.1 over plain HTTP, with a kubeconfig file pointing at it for a {@code trestle edge
 * --kube} process, and helpers to seed it with an Istio control plane the way Helm and {@code
 * istioctl} leave one: istiod Deployments per revision, revision-tag webhooks, labelled namespaces,
 * workloads and injected pods.
 */
final class MockKubernetes implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<RecordedRequest> requests = new ArrayList<>();

  MockKubernetes() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = server.createClient();
  }

  KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig whose current context is this server (any token: it checks none). */
  Path writeKubeconfig(Path file) {
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "http://127.0.0.1:%d"}
        users:
          - name: edge
            user: {token: not-checked}
        contexts:
          - name: mock
            context: {cluster: mock, user: edge, namespace: default}
        current-context: mock
        """
            .formatted(server.getPort());
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every request the server received since the last call plus the earlier ones (the server's queue
   * is drained into this list).
   */
  synchronized List<RecordedRequest> requests() {
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        requests.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.copyOf(requests);
  }

  /** An istiod Deployment of {@code revision} in istio-system (Helm's labels), all ready. */
  void istiod(String revision, String image) {
    client
        .apps()
        .deployments()
        .inNamespace("istio-system")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("istiod-" + revision)
                .withNamespace("istio-system")
                .withLabels(Map.of("app", "istiod", "istio.io/rev", revision))
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
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
                .withReadyReplicas(1)
                .endStatus()
                .build())
        .create();
  }

  /** The webhook {@code istioctl tag set TAG --revision REVISION} creates. */
  void tag(String tag, String revision) {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName("istio-revision-tag-" + tag)
                .withLabels(Map.of("istio.io/tag", tag, "istio.io/rev", revision))
                .endMetadata()
                .build())
        .create();
  }

  void namespace(String name, Map<String, String> labels) {
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

  /** A Deployment whose pod template carries {@code annotations}. */
  void deployment(String namespace, String name, Map<String, String> annotations) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewTemplate()
                .withNewMetadata()
                .withAnnotations(annotations)
                .withLabels(Map.of("app", name))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage("example/" + name + ":1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  /**
   * A running pod injected by {@code revision}'s istiod (its sidecar status annotation) with an
   * {@code istio-proxy} of {@code proxyVersion}; its Prometheus endpoint is {@code scrapeUrl} (an
   * http URL on 127.0.0.1, given by the prometheus.io annotations the injector sets), or none.
   */
  void injectedPod(
      String namespace, String name, String revision, String proxyVersion, String scrapeUrl) {
    var annotations = new HashMap<String, String>();
    annotations.put(
        "sidecar.istio.io/status",
        "{\"containers\":[\"istio-proxy\"],\"revision\":\"" + revision + "\"}");
    if (scrapeUrl != null) {
      var url = URI.create(scrapeUrl);
      annotations.put("prometheus.io/scrape", "true");
      annotations.put("prometheus.io/port", Integer.toString(url.getPort()));
      annotations.put("prometheus.io/path", url.getPath());
    }
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withAnnotations(annotations)
                .withLabels(Map.of("app", name.replaceFirst("-\\d+$", "")))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("example/app:1")
                .endContainer()
                .addNewContainer()
                .withName("istio-proxy")
                .withImage("docker.io/istio/proxyv2:" + proxyVersion)
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("127.0.0.1")
                .endStatus()
                .build())
        .create();
  }

  Map<String, String> labels(String namespace) {
    Map<String, String> labels =
        client.namespaces().withName(namespace).get().getMetadata().getLabels();
    return labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The pod template annotations of a Deployment. */
  Map<String, String> templateAnnotations(String namespace, String deployment) {
    Map<String, String> a =
        client
            .apps()
            .deployments()
            .inNamespace(namespace)
            .withName(deployment)
            .get()
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations();
    return a == null ? Map.of() : Map.copyOf(a);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
