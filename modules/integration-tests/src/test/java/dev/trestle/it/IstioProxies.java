package dev.trestle.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio sidecars as a scraper sees them: a JDK HTTP server on 127.0.0.1 serving one scripted {@code
 * /stats/prometheus} body per pod ({@code /POD/stats/prometheus}). Each pod's counters grow by its
 * script's step every time it is scraped, until {@link #freeze}; {@link #restart} starts a pod's
 * counters again from one step (its sidecar restarted: a counter reset). What an agent should have
 * counted is kept per pod: nothing for its first scrape (the agent's baseline), then each scrape's
 * growth, or after a reset the whole new value (docs/telemetry.md, "Counters to increases").
 */
final class IstioProxies implements AutoCloseable {
  /**
   * One pod's inbound traffic, as its sidecar reports it ({@code reporter="destination"}): calls of
   * {@code source} (app, namespace shop) in {@code sourceCluster} to {@code service}.{@code
   * namespace} in {@code cluster}; per scrape, {@code ok} more 200s and {@code failed} more 503s.
   */
  record Pod(
      String id,
      String cluster,
      String service,
      String source,
      String sourceCluster,
      long ok,
      long failed,
      String namespace) {
    /** A pod of {@code service} in namespace shop. */
    Pod(
        String id,
        String cluster,
        String service,
        String source,
        String sourceCluster,
        long ok,
        long failed) {
      this(id, cluster, service, source, sourceCluster, ok, failed, "shop");
    }
  }

  private final HttpServer server;
  private final Map<String, Pod> pods = new TreeMap<>();
  private final Map<String, long[]> last = new TreeMap<>();
  private final Map<String, long[]> counted = new TreeMap<>();
  private final Map<String, Boolean> restarting = new TreeMap<>();
  private final Map<String, Integer> scrapes = new TreeMap<>();
  private boolean frozen;
  private final Map<String, Integer> scrapesWhenFrozen = new TreeMap<>();

  IstioProxies(List<Pod> scripted) {
    scripted.forEach(p -> pods.put(p.id(), p));
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String id = path.replaceFirst("^/", "").replaceFirst("/stats/prometheus$", "");
          byte[] body;
          int status;
          synchronized (this) {
            Pod pod = pods.get(id);
            if (pod == null || !path.endsWith("/stats/prometheus")) {
              body = ("no pod " + id + "\n").getBytes(StandardCharsets.UTF_8);
              status = 404;
            } else {
              body = serve(pod).getBytes(StandardCharsets.UTF_8);
              status = 200;
            }
          }
          exchange.getResponseHeaders().set("content-type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** The scrape URL of one pod. */
  String url(String podId) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + podId + "/stats/prometheus";
  }

  /** Counters stop growing from the next scrape on. */
  synchronized void freeze() {
    frozen = true;
    scrapesWhenFrozen.putAll(scrapes);
  }

  /** The pod's sidecar restarts: its next scrape serves counters from zero plus one step. */
  synchronized void restart(String podId) {
    restarting.put(podId, true);
  }

  /** Scrapes of the pod since {@link #freeze} (all of them before). */
  synchronized int scrapesSinceFreeze(String podId) {
    return scrapes.getOrDefault(podId, 0) - scrapesWhenFrozen.getOrDefault(podId, 0);
  }

  synchronized int scrapes(String podId) {
    return scrapes.getOrDefault(podId, 0);
  }

  /** What an agent scraping the pod should have counted: {200s, 503s} after its first scrape. */
  synchronized long[] counted(String podId) {
    return counted.getOrDefault(podId, new long[2]).clone();
  }

  private String serve(Pod pod) {
    int n = scrapes.merge(pod.id(), 1, Integer::sum);
    long[] before = last.get(pod.id());
    long[] value;
    long[] sum = counted.computeIfAbsent(pod.id(), k -> new long[2]);
    if (before == null) {
      // A sidecar that has been up a while: its totals are far from zero. The agent's baseline.
      value = new long[] {1000 + 10 * pod.ok(), 50 + 10 * pod.failed()};
    } else if (restarting.remove(pod.id()) != null) {
      value = new long[] {pod.ok(), pod.failed()};
      sum[0] += value[0];
      sum[1] += value[1];
    } else if (frozen) {
      value = before;
    } else {
      value = new long[] {before[0] + pod.ok(), before[1] + pod.failed()};
      sum[0] += pod.ok();
      sum[1] += pod.failed();
    }
    last.put(pod.id(), value);
    var body = new StringBuilder();
    body.append("# HELP istio_requests_total Total requests.\n")
        .append("# TYPE istio_requests_total counter\n");
    body.append("istio_requests_total{").append(labels(pod, "200")).append("} ").append(value[0]);
    body.append('\n');
    body.append("istio_requests_total{").append(labels(pod, "503")).append("} ").append(value[1]);
    body.append('\n');
    // Every request in (10, 25] ms: p50 and p99 land in that bucket.
    body.append("# TYPE istio_request_duration_milliseconds histogram\n");
    for (String code : List.of("200", "503")) {
      long count = code.equals("200") ? value[0] : value[1];
      for (String le : List.of("10", "25", "+Inf")) {
        body.append("istio_request_duration_milliseconds_bucket{")
            .append(labels(pod, code))
            .append(",le=\"")
            .append(le)
            .append("\"} ")
            .append(le.equals("10") ? 0 : count)
            .append('\n');
      }
      body.append("istio_request_duration_milliseconds_sum{")
          .append(labels(pod, code))
          .append("} ")
          .append(count * 20)
          .append('\n');
      body.append("istio_request_duration_milliseconds_count{")
          .append(labels(pod, code))
          .append("} ")
          .append(count)
          .append('\n');
    }
    body.append("# TYPE envoy_server_uptime gauge\nenvoy_server_uptime ").append(n).append('\n');
    return body.toString();
  }

  private static String labels(Pod pod, String code) {
    return "reporter=\"destination\",source_workload=\""
        + pod.source()
        + "-v1\",source_workload_namespace=\"shop\",source_app=\""
        + pod.source()
        + "\",source_version=\"v1\",source_principal=\"spiffe://cluster.local/ns/shop/sa/"
        + pod.source()
        + "\",source_cluster=\""
        + pod.sourceCluster()
        + "\",destination_workload=\""
        + pod.service()
        + "-v1\",destination_workload_namespace=\""
        + pod.namespace()
        + "\",destination_service=\""
        + pod.service()
        + "."
        + pod.namespace()
        + ".svc.cluster.local\",destination_service_name=\""
        + pod.service()
        + "\",destination_service_namespace=\""
        + pod.namespace()
        + "\",destination_cluster=\""
        + pod.cluster()
        + "\",request_protocol=\"http\",response_code=\""
        + code
        + "\",response_flags=\"-\"";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
