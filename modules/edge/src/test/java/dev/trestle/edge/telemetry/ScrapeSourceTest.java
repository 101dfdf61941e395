package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.edge.telemetry.IstioBody.Call;
import dev.trestle.protocol.v1.TelemetryWindow;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class ScrapeSourceTest {
  private static final Call CALL = new Call("productpage", "c1", "reviews", "c1");
  KubernetesClient client;
  private ScriptedProxies proxies;
  private final TelemetryStatus status = new TelemetryStatus(Clock.systemUTC());
  private final AtomicLong requests = new AtomicLong(100);

  @BeforeEach
  void serve() throws Exception {
    proxies =
        new ScriptedProxies()
            .serve(
                "reviews-v1",
                () -> new IstioBody().requests(CALL, "destination", "200", requests.get()).build())
            .serve("garbage", () -> "istio_requests_total{reporter=\"destination\" 12\nfine 1\n");
  }

  @AfterEach
  void stop() {
    proxies.close();
  }

  private ScrapeSource source(ScrapeTargets targets) {
    return new ScrapeSource(
        targets, ParseLimits.DEFAULT, 1000, Duration.ofSeconds(5), 1 << 20, status);
  }

  private TelemetryWindow round(ScrapeSource source, boolean meaningful) {
    var window = new WindowAggregator(100);
    assertThat(source.collect(Instant.now(), Duration.ofSeconds(30), window)).isEqualTo(meaningful);
    return window.build(Instant.EPOCH, 30);
  }

  @Test
  void scrapesTheInventoryUrlsAndReportsWhatFails() {
    var source =
        source(
            ScrapeTargets.fixed(
                List.of(
                    new ScrapeTarget("reviews", proxies.uri("reviews-v1")),
                    new ScrapeTarget("missing", proxies.uri("nobody")),
                    new ScrapeTarget("garbage", proxies.uri("garbage")))));
    round(source, false); // the baseline
    requests.addAndGet(42);
    TelemetryWindow w = round(source, true);

    assertThat(w.getSeriesList())
        .singleElement()
        .satisfies(s -> assertThat(s.getRequests()).isEqualTo(42));
    assertThat(status.toJson().get("scrapeErrors").asLong()).isEqualTo(4);
    assertThat(status.toJson().get("parseErrors").asLong()).isEqualTo(2);
    assertThat(status.lastScrapeError()).startsWith("garbage: 1 samples, 1 bad lines");
  }

  @Test
  void aBodyOverTheByteLimitIsCutAndItsLastLineRefused() {
    var source =
        new ScrapeSource(
            ScrapeTargets.fixed(List.of(new ScrapeTarget("reviews", proxies.uri("reviews-v1")))),
            ParseLimits.DEFAULT,
            1000,
            Duration.ofSeconds(5),
            200,
            status);
    round(source, false);
    // Two problems: the cut body, then the line the cut left half-read (refused at the NUL mark).
    assertThat(status.toJson().get("scrapeErrors").asLong()).isEqualTo(2);
    assertThat(status.lastScrapeError()).contains("1 bad lines").contains("found '\\u0000'");
  }

  private Pod pod(String name, String ip, Map<String, String> annotations, String container) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("bookinfo")
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(container)
        .withImage("x")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  @Test
  void kubernetesModeScrapesAnnotatedAndSidecarPods() {
    client
        .pods()
        .inNamespace("bookinfo")
        .resource(
            pod(
                "annotated",
                "10.1.0.1",
                Map.of(
                    "prometheus.io/scrape",
                    "true",
                    "prometheus.io/port",
                    "9100",
                    "prometheus.io/path",
                    "/custom"),
                "app"))
        .create();
    client
        .pods()
        .inNamespace("bookinfo")
        .resource(pod("sidecar", "10.1.0.2", Map.of(), "istio-proxy"))
        .create();
    client
        .pods()
        .inNamespace("bookinfo")
        .resource(
            pod(
                "opted-out",
                "10.1.0.3",
                Map.of("prometheus.io/scrape", "false", "sidecar.istio.io/status", "{}"),
                "istio-proxy"))
        .create();
    client
        .pods()
        .inNamespace("bookinfo")
        .resource(pod("plain", "10.1.0.4", Map.of(), "app"))
        .create();
    var pending = pod("pending", "", Map.of(), "istio-proxy");
    pending.getStatus().setPhase("Pending");
    client.pods().inNamespace("bookinfo").resource(pending).create();

    List<ScrapeTarget> targets = new KubernetesScrapeTargets(client).list();

    assertThat(targets)
        .containsExactlyInAnyOrder(
            new ScrapeTarget("bookinfo/annotated", URI.create("http://10.1.0.1:9100/custom")),
            new ScrapeTarget(
                "bookinfo/sidecar", URI.create("http://10.1.0.2:15020/stats/prometheus")));
  }

  @Test
  void theInventorysTelemetrySectionIsReadAndCheckedField(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.yaml");
    Files.writeString(
        good,
        "namespaces: [shop]\ntelemetry:\n  window: 15s\n  scrape:\n"
            + "    - http://127.0.0.1:15020/stats/prometheus\n"
            + "    - {url: 'http://10.0.0.6:15020/stats/prometheus', id: shop/web-2}\n");
    var read = TelemetryInventory.read(good);
    assertThat(read.window()).contains(Duration.ofSeconds(15));
    assertThat(read.scrape())
        .extracting(ScrapeTarget::id)
        .containsExactly("http://127.0.0.1:15020/stats/prometheus", "shop/web-2");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "telemetry:\n  scrape: [ftp://x/metrics]\n");
    assertThatThrownBy(() -> TelemetryInventory.read(bad))
        .hasMessage(
            bad + ": telemetry.scrape[0]: 'ftp://x/metrics' is not an http(s) URL with a host");
    Files.writeString(bad, "telemetry:\n  windw: 10s\n");
    assertThatThrownBy(() -> TelemetryInventory.read(bad))
        .hasMessageContaining("telemetry: unknown key 'windw'");
  }
}
