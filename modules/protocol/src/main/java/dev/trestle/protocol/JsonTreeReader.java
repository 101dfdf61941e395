package dev.trestle.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trestle.protocol.YamlTreeReader.RawDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fast path for JSON input: Jackson's JSON parser is many times faster than a YAML parser.
 * Strict JSON only (duplicate keys refused); anything it cannot read goes to {@link YamlTreeReader}
 * instead, which reads the same text as YAML (a superset) and reports the error.
 */
final class JsonTreeReader {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(ResourceDocuments.MAX_NESTING_DEPTH)
                      .build())
              .build());

  private JsonTreeReader() {}

  /** The documents of {@code text} when it is well-formed JSON, else empty. */
  static Optional<List<RawDocument>> read(String text) {
    if (!looksLikeJson(text)) {
      return Optional.empty();
    }
    var out = new ArrayList<RawDocument>();
    try (JsonParser parser = MAPPER.createParser(text)) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.START_ARRAY) {
          for (t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            out.add(document(parser));
          }
        } else {
          out.add(document(parser));
        }
      }
      return Optional.of(out);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static RawDocument document(JsonParser parser) throws IOException {
    int line = parser.currentTokenLocation().getLineNr();
    JsonNode tree = MAPPER.readTree(parser);
    return new RawDocument(Math.max(1, line), tree, null);
  }

  private static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' || c == '[') {
        return true;
      }
      if (!Character.isWhitespace(c) && c != '\uFEFF') {
        return false;
      }
    }
    return false;
  }
}
