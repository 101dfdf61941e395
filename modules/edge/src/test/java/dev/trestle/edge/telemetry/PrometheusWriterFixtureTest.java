package dev.trestle.edge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser reads what the official Prometheus Java client's text writer writes. */
class PrometheusWriterFixtureTest {
  private final PrometheusTextParser parser = new PrometheusTextParser();

  private static String write(MetricSnapshots snapshots, boolean created) throws IOException {
    var out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.builder()
        .setIncludeCreatedTimestamps(created)
        .build()
        .write(out, snapshots);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<Sample> named(PrometheusTextParser.Parsed parsed, String name) {
    return parsed.samples().stream().filter(s -> s.name().equals(name)).toList();
  }

  @Test
  void readsCountersGaugesHistogramsAndSummariesWithCreatedTimestamps() throws IOException {
    var registry = new PrometheusRegistry();
    Counter requests =
        Counter.builder()
            .name("istio_requests_total")
            .help("Total requests with a \\ backslash\nand a newline.")
            .labelNames("destination_service", "response_code", "odd")
            .register(registry);
    requests
        .labelValues("reviews.bookinfo.svc.cluster.local", "200", "a \"quoted\" \\ value\n")
        .inc(1043);
    requests.labelValues("ratings.bookinfo.svc.cluster.local", "503", "").inc(7);
    Histogram duration =
        Histogram.builder()
            .name("istio_request_duration_milliseconds")
            .help("Total request duration (ms).")
            .classicOnly()
            .classicUpperBounds(0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .labelNames("destination_service")
            .register(registry);
    for (double ms : new double[] {0.2, 3, 3, 7, 40, 40, 40, 900, 20000}) {
      duration.labelValues("reviews.bookinfo.svc.cluster.local").observe(ms);
    }
    Gauge odd = Gauge.builder().name("odd_values").labelNames("kind").register(registry);
    odd.labelValues("nan").set(Double.NaN);
    odd.labelValues("pinf").set(Double.POSITIVE_INFINITY);
    odd.labelValues("ninf").set(Double.NEGATIVE_INFINITY);
    odd.labelValues("tiny").set(1.0e-300);
    Summary gc =
        Summary.builder()
            .name("gc_seconds")
            .quantile(0.5, 0.01)
            .quantile(0.99, 0.001)
            .register(registry);
    gc.observe(0.25);

    String text = write(registry.scrape(), true);
    var parsed = parser.parse(text);

    assertThat(parsed.report().errors()).as(parsed.report().summary() + "\n" + text).isZero();
    assertThat(parsed.report().types())
        .containsEntry("istio_requests_total", MetricType.COUNTER)
        .containsEntry("istio_request_duration_milliseconds", MetricType.HISTOGRAM)
        .containsEntry("odd_values", MetricType.GAUGE)
        .containsEntry("gc_seconds", MetricType.SUMMARY);
    assertThat(parsed.report().help())
        .containsEntry(
            "istio_requests_total", "Total requests with a \\ backslash\nand a newline.");
    Sample reviews =
        named(parsed, "istio_requests_total").stream()
            .filter(s -> s.labels().get("response_code").equals("200"))
            .findFirst()
            .orElseThrow();
    assertThat(reviews.value()).isEqualTo(1043.0);
    assertThat(reviews.labels().get("odd")).isEqualTo("a \"quoted\" \\ value\n");
    assertThat(named(parsed, "istio_requests_created")).hasSize(2);
    List<Sample> buckets = named(parsed, "istio_request_duration_milliseconds_bucket");
    assertThat(buckets).hasSize(14);
    assertThat(buckets)
        .extracting(s -> s.labels().get("le"))
        .startsWith("0.5", "1.0")
        .endsWith("+Inf");
    assertThat(buckets)
        .extracting(Sample::value)
        .containsExactly(1.0, 1.0, 3.0, 4.0, 4.0, 7.0, 7.0, 7.0, 7.0, 8.0, 8.0, 8.0, 8.0, 9.0);
    assertThat(named(parsed, "istio_request_duration_milliseconds_count").get(0).value())
        .isEqualTo(9.0);
    assertThat(named(parsed, "istio_request_duration_milliseconds_sum").get(0).value())
        .isEqualTo(0.2 + 3 + 3 + 7 + 40 + 40 + 40 + 900 + 20000);
    List<Sample> odds = named(parsed, "odd_values");
    assertThat(
            odds.stream()
                .filter(s -> s.labels().get("kind").equals("nan"))
                .findFirst()
                .orElseThrow()
                .value())
        .isNaN();
    assertThat(odds)
        .extracting(Sample::value)
        .contains(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0e-300);
    assertThat(named(parsed, "gc_seconds"))
        .extracting(s -> s.labels().get("quantile"))
        .containsExactly("0.5", "0.99");
  }

  @Test
  void readsScrapeTimestamps() throws IOException {
    var snapshots =
        MetricSnapshots.of(
            GaugeSnapshot.builder()
                .name("pending")
                .dataPoint(
                    GaugeDataPointSnapshot.builder()
                        .value(2.5)
                        .labels(Labels.of("queue", "in"))
                        .scrapeTimestampMillis(1_765_000_000_123L)
                        .build())
                .build());
    var parsed = parser.parse(write(snapshots, false));

    assertThat(parsed.report().errors()).isZero();
    assertThat(parsed.samples())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.timestampMs()).isEqualTo(1_765_000_000_123L);
              assertThat(s.value()).isEqualTo(2.5);
              assertThat(s.labels().get("queue")).isEqualTo("in");
            });
  }
}
