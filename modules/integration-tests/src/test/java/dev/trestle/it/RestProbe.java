package dev.trestle.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Looks at a server's state over plain HTTP, independently of the CLI under test: every resource
 * through the REST listing, and the readiness endpoint.
 */
final class RestProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Supplier<ServerProcess> server;
  private final Path tokenFile;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  RestProbe(Supplier<ServerProcess> server) {
    this(server, null);
  }

  /** {@code tokenFile}, when not null, holds the bearer token of every request (secure mode). */
  RestProbe(Supplier<ServerProcess> server, Path tokenFile) {
    this.server = server;
    this.tokenFile = tokenFile;
  }

  /**
   * Every resource, FQN to its full document (spec, labels, version, timestamps): two equal
   * snapshots mean nothing changed.
   */
  SortedMap<String, JsonNode> snapshot() {
    var all = new TreeMap<String, JsonNode>();
    String token = "";
    do {
      String query =
          "recursive=true"
              + (token.isEmpty()
                  ? ""
                  : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      JsonNode page = getJson(server.get().apiPort(), "/api/v1?" + query);
      for (JsonNode doc : page.path("resources")) {
        String fqn = doc.path("metadata").path("fqn").asText();
        if (all.put(fqn, doc) != null) {
          throw new IllegalStateException("listing returned " + fqn + " twice");
        }
      }
      token = page.path("nextPageToken").asText("");
    } while (!token.isEmpty());
    return all;
  }

  /** FQN to version of every resource. */
  SortedMap<String, Long> versions() {
    var versions = new TreeMap<String, Long>();
    snapshot()
        .forEach((fqn, doc) -> versions.put(fqn, doc.path("metadata").path("version").asLong()));
    return versions;
  }

  /** {@code GET /api/v1/clusters}: the ListClusters response as JSON. */
  JsonNode clusters() {
    return getJson(server.get().apiPort(), "/api/v1/clusters");
  }

  /** {@code GET /api/v1/services?namespace=NS}: the service catalog (ListServices) as JSON. */
  JsonNode services(String namespace) {
    return getJson(server.get().apiPort(), "/api/v1/services?namespace=" + namespace);
  }

  /** {@code GET /api/v1/audit?QUERY} (filters as in docs/audit.md): one AuditQueryResponse page. */
  JsonNode audit(String query) {
    return getJson(server.get().apiPort(), "/api/v1/audit?" + query);
  }

  /** {@code GET /api/v1/history/FQN}: every version of one resource, read from the journal. */
  JsonNode history(String fqn) {
    return getJson(server.get().apiPort(), "/api/v1/history/" + fqn);
  }

  /** {@code GET /health} on the management port: status and per-slice projection lag. */
  JsonNode health() {
    return getJson(server.get().managementPort(), "/health");
  }

  /** {@code GET /cluster/members} on the management port (pekko-management cluster-http). */
  JsonNode clusterMembers() {
    return getJson(server.get().managementPort(), "/cluster/members");
  }

  /** GET /ready on the management port: its HTTP status. */
  int readyStatus() {
    return send(server.get().managementPort(), "/ready").statusCode();
  }

  /**
   * The Prometheus samples on the management port's {@code /metrics}: name (with labels, as
   * written) to value. Comment lines are skipped.
   */
  SortedMap<String, Double> metrics() {
    HttpResponse<String> response = send(server.get().managementPort(), "/metrics");
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET /metrics answered " + response.statusCode() + ": " + response.body());
    }
    var samples = new TreeMap<String, Double>();
    for (String line : response.body().lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /**
   * {@code GET path} (with its query) on the running server's API port, as JSON; fails unless 200.
   */
  JsonNode getJson(String path) {
    return getJson(server.get().apiPort(), path);
  }

  private JsonNode getJson(int port, String path) {
    HttpResponse<String> response = send(port, path);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " is not JSON: " + response.body(), e);
    }
  }

  private HttpResponse<String> send(int port, String path) {
    var builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT);
    if (tokenFile != null) {
      try {
        builder.header("Authorization", "Bearer " + Files.readString(tokenFile).strip());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the token file " + tokenFile, e);
      }
    }
    var request = builder.GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + request.uri(), e);
    }
  }
}
