package dev.trestle.edge.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trestle.protocol.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code telemetry:} section of the inventory file (inventory mode's scrape targets):
 *
 * <pre>
 * telemetry:
 *   window: 30s                       # optional; --telemetry-window wins
 *   scrape:                           # Prometheus text endpoints, e.g. the sidecars' merged metrics
 *     - http://10.0.0.5:15020/stats/prometheus
 *     - {url: http://10.0.0.6:15020/stats/prometheus, id: shop/web-2}   # id: stable name
 * </pre>
 *
 * Read once at start. Unknown keys and bad URLs are errors naming the field.
 */
public record TelemetryInventory(List<ScrapeTarget> scrape, Optional<Duration> window) {
  public static final TelemetryInventory NONE = new TelemetryInventory(List.of(), Optional.empty());
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("window", "scrape");
  private static final Set<String> TARGET_KEYS = Set.of("url", "id");

  public TelemetryInventory {
    scrape = List.copyOf(scrape);
  }

  /** Reads the section from the inventory file; {@link #NONE} when it has none. */
  public static TelemetryInventory read(Path file) throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IOException(file + ": not valid YAML: " + firstLine(e.getMessage()), e);
    }
    JsonNode section = root == null ? null : root.get("telemetry");
    if (section == null || section.isNull()) {
      return NONE;
    }
    String where = file + ": telemetry";
    if (!section.isObject()) {
      throw new IllegalArgumentException(where + ": must be a mapping (window, scrape)");
    }
    unknownKeys(where, section, KEYS);
    Optional<Duration> window = Optional.empty();
    JsonNode w = section.get("window");
    if (w != null && !w.isNull()) {
      window =
          Optional.of(
              Durations.parse(w.asText())
                  .filter(d -> d.toMillis() >= 1000)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              where
                                  + ".window: '"
                                  + w.asText()
                                  + "' is not a duration of 1s or more")));
    }
    var targets = new ArrayList<ScrapeTarget>();
    JsonNode list = section.get("scrape");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new IllegalArgumentException(where + ".scrape: must be a list of URLs");
      }
      for (int i = 0; i < list.size(); i++) {
        targets.add(target(where + ".scrape[" + i + "]", list.get(i)));
      }
    }
    return new TelemetryInventory(targets, window);
  }

  private static ScrapeTarget target(String where, JsonNode node) {
    String url;
    String id = null;
    if (node.isTextual()) {
      url = node.asText();
    } else if (node.isObject()) {
      unknownKeys(where, node, TARGET_KEYS);
      url = node.path("url").asText("");
      id = node.hasNonNull("id") ? node.get("id").asText() : null;
    } else {
      throw new IllegalArgumentException(where + ": a URL or {url, id}");
    }
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": '" + url + "' is not a URL");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          where + ": '" + url + "' is not an http(s) URL with a host");
    }
    return new ScrapeTarget(id == null || id.isBlank() ? uri.toString() : id, uri);
  }

  private static void unknownKeys(String where, JsonNode node, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            where + ": unknown key '" + key + "' (allowed: " + allowed + ")");
      }
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
