package dev.trestle.loadtest.scrape;

import com.sun.management.OperatingSystemMXBean;
import com.sun.net.httpserver.HttpServer;
import dev.trestle.edge.telemetry.ParseLimits;
import dev.trestle.edge.telemetry.ScrapeSource;
import dev.trestle.edge.telemetry.ScrapeTarget;
import dev.trestle.edge.telemetry.ScrapeTargets;
import dev.trestle.edge.telemetry.TelemetrySettings;
import dev.trestle.edge.telemetry.TelemetryStatus;
import dev.trestle.edge.telemetry.WindowAggregator;
import dev.trestle.loadtest.MachineFacts;
import dev.trestle.loadtest.RunDirectory;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The edge's telemetry cost: one scrape round (HTTP GET on 127.0.0.1, parse, counter tracking,
 * aggregation into a window) of a proxy endpoint serving {@code --series} Istio sample lines, in
 * process CPU time (the HTTP server's writes included, the body's generation not). The issue's
 * bound: a scrape of 10,000 series well under 1 core-second.
 */
@Command(
    name = "scrape",
    mixinStandardHelpOptions = true,
    description = "Measures CPU per telemetry scrape round of N Istio series on the edge.")
public final class ScrapeScenario implements Callable<Integer> {
  @Option(
      names = "--series",
      defaultValue = "10000",
      description = "sample lines per scrape (default: ${DEFAULT-VALUE})")
  int series;

  @Option(
      names = "--rounds",
      defaultValue = "20",
      description = "measured rounds, after as many warm-up rounds (default: ${DEFAULT-VALUE})")
  int rounds;

  private volatile byte[] body = new byte[0];

  @Override
  public Integer call() throws Exception {
    ZonedDateTime started = ZonedDateTime.now();
    var dir =
        RunDirectory.create(
            Path.of(System.getProperty("trestle.bench.results", "load-tests/results")),
            "scrape",
            started);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] bytes = body;
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    server.start();
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var status = new TelemetryStatus(Clock.systemUTC());
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stats/prometheus");
    var source =
        new ScrapeSource(
            ScrapeTargets.fixed(List.of(new ScrapeTarget("bench/pod", uri))),
            ParseLimits.DEFAULT,
            TelemetrySettings.MAX_TRACKED_SERIES,
            Duration.ofSeconds(30),
            TelemetrySettings.MAX_BODY_BYTES,
            status);
    var cpuMillis = new ArrayList<Double>();
    int windowSeries = 0;
    long requestsPerWindow = 0;
    double firstRoundMillis = 0;
    int bodyBytes = 0;
    for (int round = 0; round < 2 * rounds + 1; round++) {
      String text = IstioExposition.body(series, round);
      body = text.getBytes(StandardCharsets.UTF_8);
      bodyBytes = body.length;
      var window = new WindowAggregator(TelemetrySettings.MAX_SERIES_PER_WINDOW);
      long cpu = os.getProcessCpuTime();
      source.collect(Instant.now(), Duration.ofSeconds(30), window);
      var built = window.build(Instant.now(), 30);
      double ms = (os.getProcessCpuTime() - cpu) / 1e6;
      if (round == 0) {
        firstRoundMillis = ms;
      } else if (round > rounds) {
        cpuMillis.add(ms);
        windowSeries = built.getSeriesCount();
        requestsPerWindow = built.getSeriesList().stream().mapToLong(s -> s.getRequests()).sum();
      }
    }
    server.stop(0);
    if (status.lastScrapeError() != null) {
      throw new IllegalStateException("the bench's scrapes failed: " + status.lastScrapeError());
    }
    Collections.sort(cpuMillis);
    double median = cpuMillis.get(cpuMillis.size() / 2);
    double max = cpuMillis.get(cpuMillis.size() - 1);
    var result = new LinkedHashMap<String, Object>();
    result.put("scenario", "scrape");
    result.put("started", started.toString());
    result.put("machine", MachineFacts.collect("none", "none"));
    result.put("series", series);
    result.put("bodyBytes", bodyBytes);
    result.put("windowSeries", windowSeries);
    result.put("requestsPerWindow", requestsPerWindow);
    result.put("firstRoundCpuMillis", firstRoundMillis);
    result.put("medianCpuMillis", median);
    result.put("maxCpuMillis", max);
    result.put("rounds", rounds);
    dir.writeJson(result);
    String summary =
        "## scrape: run `"
            + dir.path().getFileName()
            + "`\n\n"
            + "| series | body MB | window series | CPU ms, first (cold) round | CPU ms, median |"
            + " CPU ms, max |\n"
            + "| --- | --- | --- | --- | --- | --- |\n"
            + String.format(
                "| %d | %.1f | %d | %.0f | %.0f | %.0f |%n",
                series, bodyBytes / 1e6, windowSeries, firstRoundMillis, median, max);
    dir.writeText(RunDirectory.MARKDOWN, summary);
    System.out.println(summary);
    return 0;
  }
}
