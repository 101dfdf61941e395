package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.trestle.edge.telemetry.IstioBody.Call;
import dev.trestle.protocol.v1.TelemetryWindow;
import dev.trestle.protocol.v1.TrafficSeries;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PromQL mode against a real Prometheus (Debian's {@code prometheus}; {@code .ci/run} installs it)
 * that scrapes scripted Istio metrics from a test server on 127.0.0.1. Fails, never skips, when the
 * binary is missing: set TRESTLE_PROMETHEUS to use another one.
 */
class PrometheusSourceTest {
  private static final Call CALL = new Call("productpage", "c1", "reviews", "c1");
  private static final Duration WINDOW = Duration.ofSeconds(6);
  private static final long OK_PER_SECOND = 20;
  private static final long ERRORS_PER_SECOND = 2;

  @TempDir Path dir;
  private final long started = System.currentTimeMillis();
  private ScriptedProxies proxies;
  private Process prometheus;
  private URI prometheusUrl;

  static Path prometheusBinary() {
    String configured = System.getenv("TRESTLE_PROMETHEUS");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "prometheus");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(
        "no prometheus binary on PATH (Debian package 'prometheus': apt-get install prometheus;"
            + " or set TRESTLE_PROMETHEUS)");
  }

  /** Counters that grow with time, as a busy proxy's do. */
  private String body() {
    double seconds = (System.currentTimeMillis() - started) / 1000.0;
    long ok = Math.round(OK_PER_SECOND * seconds);
    long errors = Math.round(ERRORS_PER_SECOND * seconds);
    long half = ok / 2;
    return new IstioBody()
        .requests(CALL, "destination", "200", ok)
        .requests(CALL, "source", "200", ok)
        .requests(CALL, "destination", "503", errors)
        .durations(CALL, "200", new long[] {0, half, ok, ok, ok}, ok, 12.0 * ok)
        .tcp(new Call("reviews", "c2", "ratings", "c1"), errors, errors * 100, errors * 10)
        .build();
  }

  @BeforeEach
  void startPrometheus() throws Exception {
    Path binary = prometheusBinary();
    proxies = new ScriptedProxies().serve("reviews-v1", this::body);
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            + "scrape_configs:\n"
            + "  - job_name: proxies\n"
            + "    metrics_path: /reviews-v1/stats/prometheus\n"
            + "    static_configs: [{targets: ['127.0.0.1:"
            + proxies.port()
            + "']}]\n");
    prometheus =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    prometheusUrl = URI.create("http://127.0.0.1:" + port);
    var http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> {
              assertThat(prometheus.isAlive())
                  .as(Files.readString(dir.resolve("prometheus.log")))
                  .isTrue();
              return http.send(
                          HttpRequest.newBuilder(prometheusUrl.resolve("/-/ready")).build(),
                          HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  == 200;
            });
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (proxies != null) {
      proxies.close();
    }
  }

  @Test
  void aWindowFromPrometheusMatchesTheScriptedRates() throws Exception {
    var status = new TelemetryStatus(Clock.systemUTC());
    var source = new PrometheusSource(prometheusUrl, Duration.ofSeconds(5), 1 << 20, status);
    // Enough history for a whole window, then a window ending now.
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                System.currentTimeMillis() - started > WINDOW.toMillis() + 3000
                    && !source
                        .vector(
                            "istio_requests_total offset " + WINDOW.toSeconds() + "s",
                            Instant.now())
                        .isEmpty());

    var window = new WindowAggregator(100);
    Instant end = Instant.now();
    assertThat(source.collect(end, WINDOW, window))
        .as(String.valueOf(status.lastScrapeError()))
        .isTrue();
    TelemetryWindow w = window.build(end.minus(WINDOW), (int) WINDOW.toSeconds());

    TrafficSeries ok = find(w, "2xx");
    long expectedOk = OK_PER_SECOND * WINDOW.toSeconds();
    // increase() extrapolates over 1s scrapes: within a scrape's worth plus rounding.
    assertThat(ok.getRequests())
        .isBetween(expectedOk - 2 * OK_PER_SECOND, expectedOk + 2 * OK_PER_SECOND);
    assertThat(ok.getSource().getName()).isEqualTo("productpage-v1");
    assertThat(ok.getDestination().getService()).isEqualTo("reviews.bookinfo.svc.cluster.local");
    assertThat(w.getBucketBoundsMsList()).containsExactly(5.0, 10.0, 25.0, 100.0, 1000.0);
    assertThat(ok.getLatencyBucketsList()).hasSize(6);
    assertThat(ok.getLatencyBuckets(0)).isZero();
    assertThat(ok.getLatencyBuckets(1) + ok.getLatencyBuckets(2))
        .isBetween(expectedOk - 2 * OK_PER_SECOND, expectedOk + 2 * OK_PER_SECOND);
    assertThat(ok.getLatencyBuckets(3) + ok.getLatencyBuckets(4) + ok.getLatencyBuckets(5))
        .isLessThanOrEqualTo(2);
    long expectedErrors = ERRORS_PER_SECOND * WINDOW.toSeconds();
    assertThat(find(w, "5xx").getRequests()).isBetween(expectedErrors - 3, expectedErrors + 3);
    assertThat(find(w, "tcp").getTcpConnectionsOpened())
        .isBetween(expectedErrors - 3, expectedErrors + 3);
    // The source proxy's copy of the same calls is not counted again.
    assertThat(w.getSeriesCount()).isEqualTo(3);
  }

  @Test
  void aQueryPrometheusRefusesIsAGapWithTheReason() {
    var status = new TelemetryStatus(Clock.systemUTC());
    var source = new PrometheusSource(prometheusUrl, Duration.ofSeconds(5), 1 << 20, status);
    assertThat(source.collect(Instant.now(), Duration.ofMillis(500), new WindowAggregator(10)))
        .isFalse();
    assertThat(status.lastScrapeError()).contains("Prometheus").contains("HTTP 400");
  }

  private static TrafficSeries find(TelemetryWindow w, String responseClass) {
    return w.getSeriesList().stream()
        .filter(s -> s.getResponseClass().equals(responseClass))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + responseClass + " series in " + w));
  }
}
