package dev.trestle.edge.telemetry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes the proxies' Prometheus text endpoints each window (a few at a time), parses each body as
 * it streams in (bounded by {@link ParseLimits} and a byte limit) and turns counters into increases
 * with a {@link CounterTracker}. A target that fails is reported in {@code /status} and counted in
 * the next good scrape.
 */
public final class ScrapeSource implements TelemetrySource {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeSource.class);
  static final int PARALLEL = 8;

  private final ScrapeTargets targets;
  private final HttpClient http;
  private final PrometheusTextParser parser;
  private final CounterTracker tracker;
  private final Duration timeout;
  private final long maxBodyBytes;
  private final TelemetryStatus status;
  private boolean first = true;

  public ScrapeSource(
      ScrapeTargets targets,
      ParseLimits limits,
      int maxTrackedSeries,
      Duration timeout,
      long maxBodyBytes,
      TelemetryStatus status) {
    this.targets = targets;
    this.parser = new PrometheusTextParser(limits);
    this.tracker = new CounterTracker(maxTrackedSeries);
    this.timeout = timeout;
    this.maxBodyBytes = maxBodyBytes;
    this.status = status;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public boolean collect(Instant end, Duration length, WindowAggregator window) {
    List<ScrapeTarget> listed;
    try {
      listed = targets.list();
    } catch (Exception e) {
      status.scrapeFailed("listing the targets (" + targets.describe() + ") failed: " + e);
      return false; // nothing known about this window; the next good round counts the gap
    }
    long parseErrors = 0;
    for (int from = 0; from < listed.size(); from += PARALLEL) {
      var batch = listed.subList(from, Math.min(listed.size(), from + PARALLEL));
      var responses = new ArrayList<CompletableFuture<HttpResponse<InputStream>>>();
      for (ScrapeTarget t : batch) {
        var request =
            HttpRequest.newBuilder(t.uri())
                .timeout(timeout)
                .header("Accept", "text/plain;version=0.0.4")
                .GET()
                .build();
        responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()));
      }
      for (int i = 0; i < batch.size(); i++) {
        parseErrors += scrape(batch.get(i), responses.get(i), window);
      }
    }
    var ids = new HashSet<String>();
    listed.forEach(t -> ids.add(t.id()));
    tracker.endRound(ids);
    status.collected(listed.size(), parseErrors);
    boolean meaningful = !first;
    first = false;
    return meaningful;
  }

  /** Reads one target's body into the window; returns the lines it refused. */
  private long scrape(
      ScrapeTarget target,
      CompletableFuture<HttpResponse<InputStream>> pending,
      WindowAggregator window) {
    try {
      HttpResponse<InputStream> response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      try (var body = new LimitedStream(response.body(), maxBodyBytes);
          Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
        if (response.statusCode() != 200) {
          status.scrapeFailed(target.id() + " " + target.uri() + ": HTTP " + response.statusCode());
          return 0;
        }
        var scrape = tracker.scrape(target.id(), window);
        ParseReport report = parser.parse(reader, scrape::accept);
        if (body.over) {
          status.scrapeFailed(
              target.id() + ": body over " + maxBodyBytes + " bytes; the rest was not read");
        }
        if (report.errors() > 0 || report.droppedSeries() > 0) {
          status.scrapeFailed(target.id() + ": " + report.summary());
        }
        scrape.finish();
        return report.errors();
      }
    } catch (ExecutionException e) {
      fail(target, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      pending.cancel(true);
      fail(target, new TimeoutException("no answer in " + timeout.toMillis() + "ms"));
    } catch (IOException e) {
      fail(target, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private void fail(ScrapeTarget target, Throwable why) {
    String message = target.id() + " " + target.uri() + ": " + why;
    LOG.debug("scrape failed: {}", message);
    status.scrapeFailed(message);
  }

  @Override
  public long droppedSeries() {
    return tracker.droppedSeries();
  }

  @Override
  public String describe() {
    return "scraping " + targets.describe();
  }

  /**
   * Ends the body at {@code limit} bytes, noting that there was more. A NUL byte marks the cut, so
   * the line it cuts is refused rather than read as a smaller value (which would look like a
   * reset).
   */
  private static final class LimitedStream extends FilterInputStream {
    private long left;
    private boolean ended;
    boolean over;

    LimitedStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left <= 0) {
        if (ended || super.read() < 0) {
          ended = true;
          return -1;
        }
        ended = true;
        over = true;
        b[off] = 0;
        return 1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
