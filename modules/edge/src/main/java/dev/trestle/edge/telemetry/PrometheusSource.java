package dev.trestle.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the cluster's Prometheus (its HTTP API, {@code /api/v1/query}) for each window's increases
 * of Istio's standard metrics, summed by the labels the edge aggregates by, the way Kiali does:
 * {@code sum by (...) (increase(istio_requests_total[30s]))} at the window's end. Prometheus
 * handles counter resets and pods coming and going; its {@code increase()} extrapolates, so counts
 * are rounded. A window any of whose queries failed is not reported (a gap shown in {@code
 * /status}), never half-reported.
 */
public final class PrometheusSource implements TelemetrySource {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY_LABELS =
      "reporter,source_workload,source_workload_namespace,source_cluster,source_app,"
          + "source_version,source_principal,destination_service,destination_service_name,"
          + "destination_service_namespace,destination_workload_namespace,destination_cluster,"
          + "destination_workload,destination_principal";
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final long maxBodyBytes;
  private final TelemetryStatus status;

  public PrometheusSource(URI base, Duration timeout, long maxBodyBytes, TelemetryStatus status) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.status = status;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The PromQL of one metric's increases over {@code length}. */
  static String query(IstioMetric metric, Duration length) {
    String by = KEY_LABELS;
    if (!metric.isTcp()) {
      by += ",response_code";
    }
    if (metric == IstioMetric.DURATION_BUCKET) {
      by += ",le";
    }
    return "sum by ("
        + by
        + ") (increase("
        + metric.sampleName()
        + "["
        + length.toSeconds()
        + "s]))";
  }

  @Override
  public boolean collect(Instant end, Duration length, WindowAggregator window) {
    var results = new ArrayList<Result>();
    for (IstioMetric metric : IstioMetric.values()) {
      try {
        for (var r : vector(query(metric, length), end)) {
          results.add(new Result(metric, r.getKey(), r.getValue()));
        }
      } catch (IOException | RuntimeException e) {
        status.scrapeFailed(
            "Prometheus " + base + " " + metric.sampleName() + ": " + e.getMessage());
        status.collected(0, 0);
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    results.forEach(r -> window.add(r.metric, r.labels, r.value));
    status.collected(1, 0);
    return true;
  }

  private record Result(IstioMetric metric, Labels labels, double value) {}

  /** An instant query's vector: each series' labels and value. */
  List<Map.Entry<Labels, Double>> vector(String promql, Instant at)
      throws IOException, InterruptedException {
    String time = at.getEpochSecond() + "." + String.format("%03d", at.getNano() / 1_000_000);
    URI uri =
        base.resolve(
            "api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time="
                + time);
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    JsonNode body;
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        throw new IOException("answer over " + maxBodyBytes + " bytes");
      }
      body = JSON.readTree(bytes);
    }
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException(
          "HTTP " + response.statusCode() + ": " + body.path("error").asText("no error text"));
    }
    JsonNode data = body.path("data");
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new IOException("expected a vector, got " + data.path("resultType").asText());
    }
    var out = new ArrayList<Map.Entry<Labels, Double>>();
    for (JsonNode series : data.path("result")) {
      var labels = new LinkedHashMap<String, String>();
      series
          .path("metric")
          .fields()
          .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
      double value =
          PrometheusTextParser.parseValue(series.path("value").path(1).asText()).orElse(Double.NaN);
      out.add(Map.entry(Labels.of(labels), value));
    }
    return out;
  }

  @Override
  public String describe() {
    return "querying Prometheus at " + base;
  }
}
