package dev.trestle.edge.telemetry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A test HTTP server on 127.0.0.1 serving scripted {@code /stats/prometheus} bodies per pod. */
final class ScriptedProxies implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, Supplier<String>> bodies = new ConcurrentHashMap<>();

  ScriptedProxies() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            // /POD/stats/prometheus
            String path = exchange.getRequestURI().getPath();
            String pod = path.split("/").length > 1 ? path.split("/")[1] : "";
            Supplier<String> body = bodies.get(pod);
            if (body == null || !path.endsWith("/stats/prometheus")) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          }
        });
    server.start();
  }

  /** Serves {@code body} (asked again on every scrape) for {@code pod}. */
  ScriptedProxies serve(String pod, Supplier<String> body) {
    bodies.put(pod, body);
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  URI uri(String pod) {
    return URI.create("http://127.0.0.1:" + port() + "/" + pod + "/stats/prometheus");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
