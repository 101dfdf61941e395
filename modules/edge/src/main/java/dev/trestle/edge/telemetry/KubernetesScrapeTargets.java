package dev.trestle.edge.telemetry;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pods the Kubernetes API lists, in every namespace, that are running with an IP: those
 * annotated {@code prometheus.io/scrape: "true"} at {@code prometheus.io/port} and {@code
 * prometheus.io/path} (Istio's injector sets them to the merged {@code :15020/stats/prometheus}); a
 * pod with an Istio sidecar and no annotations at {@code :15020/stats/prometheus}; never a pod
 * annotated {@code prometheus.io/scrape: "false"}.
 */
public final class KubernetesScrapeTargets implements ScrapeTargets {
  static final int ISTIO_PORT = 15020;
  static final String ISTIO_PATH = "/stats/prometheus";
  private final KubernetesClient client;

  public KubernetesScrapeTargets(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public List<ScrapeTarget> list() {
    var targets = new ArrayList<ScrapeTarget>();
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      target(pod).ifPresent(targets::add);
    }
    return targets;
  }

  static Optional<ScrapeTarget> target(Pod pod) {
    if (pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())
        || pod.getStatus().getPodIP() == null
        || pod.getStatus().getPodIP().isBlank()) {
      return Optional.empty();
    }
    Map<String, String> annotations =
        pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    String scrape = annotations.get("prometheus.io/scrape");
    boolean sidecar =
        annotations.containsKey("sidecar.istio.io/status")
            || pod.getSpec().getContainers().stream()
                .anyMatch(c -> "istio-proxy".equals(c.getName()));
    if ("false".equals(scrape) || (!"true".equals(scrape) && !sidecar)) {
      return Optional.empty();
    }
    int port = ISTIO_PORT;
    String path = ISTIO_PATH;
    if ("true".equals(scrape)) {
      try {
        port = Integer.parseInt(annotations.getOrDefault("prometheus.io/port", "" + ISTIO_PORT));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
      path = annotations.getOrDefault("prometheus.io/path", sidecar ? ISTIO_PATH : "/metrics");
    }
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String ip = pod.getStatus().getPodIP();
    String host = ip.contains(":") ? "[" + ip + "]" : ip;
    try {
      URI uri = URI.create("http://" + host + ":" + port + path);
      String id = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      return Optional.of(new ScrapeTarget(id, uri));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String describe() {
    return "pods listed by the Kubernetes API";
  }
}
