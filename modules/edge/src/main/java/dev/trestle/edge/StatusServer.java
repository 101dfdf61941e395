package dev.trestle.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /status} on 127.0.0.1: the agent's {@link EdgeStatus} as JSON. It answers whether or
 * not central is reachable (that is its point). Loopback only; no secrets in it.
 */
public final class StatusServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  public StatusServer(int port, EdgeStatus status) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "edge-status-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/status")) {
              send(exchange, 404, "{\"error\":\"not found; try GET /status\"}");
            } else if (!exchange.getRequestMethod().equals("GET")) {
              send(exchange, 405, "{\"error\":\"GET only\"}");
            } else {
              send(exchange, 200, status.toJson());
            }
          }
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int code, String json) throws IOException {
    byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
