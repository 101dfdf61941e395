package dev.trestle.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.translator.ObjectKey;
import dev.trestle.translator.SetHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good state on disk: {@code <state-dir>/state.json} holds the applied version, its set
 * hash and every object (key, source, content hash and the canonical JSON). It is replaced
 * atomically after each successful apply, so a crash leaves either the old or the new state.
 */
public final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  static final String FILE = "state.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final String cluster;
  private final Clock clock;

  public StateStore(Path dir, String cluster, Clock clock) {
    this.dir = dir;
    this.cluster = cluster;
    this.clock = clock;
  }

  public Path file() {
    return dir.resolve(FILE);
  }

  /**
   * The saved state, or {@link AppliedState#EMPTY} when there is none. A file that does not read
   * back consistently (bad JSON, a content or set hash that does not match) is moved aside as
   * {@code state.json.corrupt-<millis>} and the edge starts empty: central then sends a snapshot.
   */
  public AppliedState load() {
    Path file = file();
    if (!Files.exists(file)) {
      return AppliedState.EMPTY;
    }
    try {
      AppliedState state = parse(JSON.readTree(file.toFile()));
      String expected = SetHash.of(state.objects().values());
      if (!state.objects().isEmpty() && !expected.equals(state.setHash())) {
        throw new IOException("set hash " + state.setHash() + " does not match its objects");
      }
      return state;
    } catch (IOException | RuntimeException e) {
      Path aside = dir.resolve(FILE + ".corrupt-" + clock.millis());
      LOG.error(
          "state file {} is unreadable ({}); moved to {}, starting with no state",
          file,
          e.getMessage(),
          aside);
      try {
        Files.move(file, aside);
      } catch (IOException moveFailed) {
        LOG.error("could not move {} aside: {}", file, moveFailed.getMessage());
      }
      return AppliedState.EMPTY;
    }
  }

  public void save(AppliedState state) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("cluster", cluster);
    root.put("version", state.version());
    root.put("setHash", state.setHash());
    root.put("savedAt", clock.instant().toString());
    ArrayNode objects = root.putArray("objects");
    for (EdgeObject o : state.objects().values()) {
      ObjectNode n = objects.addObject();
      n.put("apiVersion", o.key().apiVersion());
      n.put("kind", o.key().kind());
      n.put("namespace", o.key().namespace());
      n.put("name", o.key().name());
      n.put("sourceFqn", o.sourceFqn());
      n.put("sourceVersion", o.sourceVersion());
      n.put("contentHash", o.contentHash());
      n.put("json", o.json());
    }
    Files.createDirectories(dir);
    AtomicFiles.write(file(), JSON.writeValueAsString(root) + "\n");
  }

  private static AppliedState parse(JsonNode root) throws IOException {
    if (!root.isObject() || !root.path("version").canConvertToLong()) {
      throw new IOException("no version in it");
    }
    var objects = new ArrayList<EdgeObject>();
    for (JsonNode n : root.path("objects")) {
      var key =
          new ObjectKey(
              text(n, "apiVersion"), text(n, "kind"), text(n, "namespace"), text(n, "name"));
      String json = text(n, "json");
      String hash = text(n, "contentHash");
      if (!SetHash.content(json).equals(hash)) {
        throw new IOException(key + ": content hash does not match its JSON");
      }
      objects.add(
          new EdgeObject(
              key, n.path("sourceFqn").asText(""), n.path("sourceVersion").asLong(), json, hash));
    }
    return AppliedState.of(root.path("version").asLong(), root.path("setHash").asText(""), objects);
  }

  private static String text(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("an object has no " + field);
    }
    return v.asText();
  }
}
