package dev.trestle.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads YAML text into one JSON tree per document, from SnakeYAML's event stream.
 *
 * <p>Aliases are resolved as Kubernetes resolves them: an alias stands for a copy of its anchored
 * node, and {@code <<} merge keys merge mappings (explicit keys win). Against alias bombs, a
 * document may expand to at most {@link ResourceDocuments#MAX_EXPANDED_SIZE} characters and nodes
 * (each node counts one, each scalar its length); the count is kept per anchor, so a bomb is
 * refused after reading its few lines, not after expanding them. Duplicate keys, non-scalar keys,
 * recursive aliases and nesting deeper than {@link ResourceDocuments#MAX_NESTING_DEPTH} are
 * refused.
 *
 * <p>Plain scalars are kept as text (the resource reader converts them by field type, so {@code
 * 1.10} stays {@code "1.10"} in a string field), except the YAML 1.2 nulls ({@code ~}, {@code
 * null}, empty) which become null.
 */
final class YamlTreeReader {
  private static final String NULL_TAG = "tag:yaml.org,2002:null";
  private static final LoaderOptions OPTIONS = loaderOptions();

  private final List<RawDocument> out = new ArrayList<>();
  private final Map<String, Anchored> anchors = new HashMap<>();
  private final Set<String> openAnchors = new HashSet<>();
  private final ArrayDeque<Frame> stack = new ArrayDeque<>();
  private JsonNode root;
  private boolean hasRoot;
  private long documentSize;
  private int documentLine;
  private boolean rootPending;

  private YamlTreeReader() {}

  /**
   * Every document of {@code text}; a syntax error or a refused construct ends the read with one
   * failed entry after the documents read before it.
   */
  static List<RawDocument> read(String text) {
    var reader = new YamlTreeReader();
    reader.run(text);
    return reader.out;
  }

  private void run(String text) {
    var parser = new ParserImpl(new StreamReader(new StringReader(text)), OPTIONS);
    try {
      while (!parser.checkEvent(Event.ID.StreamEnd)) {
        handle(parser.getEvent());
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? documentLine : mark.getLine() + 1;
      fail(line, "malformed YAML/JSON: " + syntaxMessage(e));
    } catch (YAMLException e) {
      fail(documentLine, "malformed YAML/JSON: " + e.getMessage());
    } catch (Refused e) {
      fail(e.line, e.getMessage());
    }
  }

  private void fail(int line, String message) {
    out.add(new RawDocument(Math.max(1, line), null, new DocumentException("", message)));
  }

  private void handle(Event event) {
    int line = event.getStartMark() == null ? documentLine : event.getStartMark().getLine() + 1;
    if (rootPending && event instanceof NodeEvent) {
      documentLine = line; // a document starts where its content does, after any '---'
      rootPending = false;
    }
    switch (event.getEventId()) {
      case DocumentStart -> {
        anchors.clear();
        openAnchors.clear();
        documentSize = 0;
        documentLine = line;
        rootPending = true;
        root = null;
        hasRoot = false;
      }
      case DocumentEnd -> {
        if (hasRoot && root != null && !root.isNull()) {
          out.add(new RawDocument(documentLine, root, null));
        } // else an empty document (a trailing '---', a file of comments): skipped
      }
      case Scalar -> scalar((ScalarEvent) event, line);
      case Alias -> alias((AliasEvent) event, line);
      case MappingStart, SequenceStart -> open((CollectionStartEvent) event, line);
      case MappingEnd, SequenceEnd -> close(line);
      default -> {} // StreamStart, StreamEnd, comments
    }
  }

  private void scalar(ScalarEvent event, int line) {
    String value = event.getValue();
    if (stack.peek() instanceof MapFrame map && map.key == null) {
      map.key = value;
      map.keyIsMerge = "<<".equals(value) && plainUntagged(event);
      map.keyLine = line;
      count(1 + value.length(), line);
      return;
    }
    JsonNode node = isNull(event) ? NullNode.instance : TextNode.valueOf(value);
    long size = 1 + value.length();
    if (event.getAnchor() != null) {
      anchors.put(event.getAnchor(), new Anchored(node, size));
    }
    add(node, size, line);
  }

  private void alias(AliasEvent event, int line) {
    String name = event.getAnchor();
    if (openAnchors.contains(name)) {
      throw new Refused(line, "alias *" + name + " refers to a node that contains it");
    }
    Anchored anchored = anchors.get(name);
    if (anchored == null) {
      throw new Refused(line, "alias *" + name + " refers to no anchor &" + name + " before it");
    }
    if (stack.peek() instanceof MapFrame map && map.key == null) {
      if (!anchored.node.isTextual()) {
        throw new Refused(line, "a mapping key must be a scalar; *" + name + " is not one");
      }
      map.key = anchored.node.asText();
      map.keyIsMerge = false;
      map.keyLine = line;
      count(anchored.size, line);
      return;
    }
    add(anchored.node, anchored.size, line);
  }

  private void open(CollectionStartEvent event, int line) {
    if (stack.peek() instanceof MapFrame map && map.key == null) {
      throw new Refused(line, "a mapping key must be a scalar, not a mapping or a list");
    }
    if (stack.size() >= ResourceDocuments.MAX_NESTING_DEPTH) {
      throw new Refused(
          line,
          "the document nests deeper than "
              + ResourceDocuments.MAX_NESTING_DEPTH
              + " levels (the limit)");
    }
    Frame frame =
        event.getEventId() == Event.ID.MappingStart
            ? new MapFrame(JsonNodeFactory.instance.objectNode())
            : new SeqFrame(JsonNodeFactory.instance.arrayNode());
    frame.anchor = event.getAnchor();
    if (frame.anchor != null) {
      openAnchors.add(frame.anchor);
    }
    count(1, line);
    stack.push(frame);
  }

  private void close(int line) {
    Frame frame = stack.pop();
    if (frame instanceof MapFrame map) {
      map.applyMerges();
    }
    if (frame.anchor != null) {
      openAnchors.remove(frame.anchor);
      anchors.put(frame.anchor, new Anchored(frame.node(), frame.size));
    }
    attach(frame.node(), frame.size, line);
  }

  /** A scalar or alias value: counted, then attached to its parent. */
  private void add(JsonNode node, long size, int line) {
    count(size, line);
    attach(node, size, line);
  }

  private void attach(JsonNode node, long size, int line) {
    Frame parent = stack.peek();
    if (parent == null) {
      root = node;
      hasRoot = true;
      return;
    }
    parent.size += size;
    if (parent instanceof SeqFrame seq) {
      seq.array.add(node);
      return;
    }
    var map = (MapFrame) parent;
    String key = map.key;
    map.key = null;
    if (map.keyIsMerge) {
      map.merge(node, map.keyLine);
    } else if (map.object.has(key)) {
      throw new Refused(map.keyLine, "duplicate key '" + key + "'");
    } else {
      map.object.set(key, node);
    }
  }

  private void count(long size, int line) {
    documentSize += size;
    if (documentSize > ResourceDocuments.MAX_EXPANDED_SIZE) {
      throw new Refused(
          line,
          "aliases expand this document beyond "
              + ResourceDocuments.MAX_EXPANDED_SIZE
              + " characters and nodes (the limit; an alias bomb?)");
    }
  }

  private static boolean plainUntagged(ScalarEvent e) {
    return e.getScalarStyle() == ScalarStyle.PLAIN && e.getTag() == null;
  }

  private static boolean isNull(ScalarEvent e) {
    if (NULL_TAG.equals(e.getTag())) {
      return true;
    }
    if (!plainUntagged(e)) {
      return false;
    }
    return switch (e.getValue()) {
      case "", "~", "null", "Null", "NULL" -> true;
      default -> false;
    };
  }

  private static String syntaxMessage(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem().strip();
    String context = e.getContext() == null ? "" : e.getContext().strip();
    Mark mark = e.getProblemMark();
    String where = mark == null ? "" : " (column " + (mark.getColumn() + 1) + ")";
    return (context.isEmpty() ? problem : context + ": " + problem) + where;
  }

  private static LoaderOptions loaderOptions() {
    var options = new LoaderOptions();
    // The size limit is checked in bytes before parsing (ResourceDocuments.MAX_INPUT_BYTES).
    options.setCodePointLimit(Integer.MAX_VALUE);
    options.setProcessComments(false);
    return options;
  }

  /** One document as read: its starting line and its tree, or why it could not be read. */
  record RawDocument(int line, JsonNode tree, DocumentException error) {}

  private record Anchored(JsonNode node, long size) {}

  private abstract static class Frame {
    String anchor;
    long size = 1;

    abstract JsonNode node();
  }

  private static final class SeqFrame extends Frame {
    final ArrayNode array;

    SeqFrame(ArrayNode array) {
      this.array = array;
    }

    @Override
    JsonNode node() {
      return array;
    }
  }

  private static final class MapFrame extends Frame {
    final ObjectNode object;
    String key;
    boolean keyIsMerge;
    int keyLine;
    List<ObjectNode> merges;

    MapFrame(ObjectNode object) {
      this.object = object;
    }

    @Override
    JsonNode node() {
      return object;
    }

    void merge(JsonNode value, int line) {
      if (merges == null) {
        merges = new ArrayList<>();
      }
      if (value.isObject()) {
        merges.add((ObjectNode) value);
        return;
      }
      if (value.isArray()) {
        for (JsonNode element : value) {
          if (!element.isObject()) {
            throw new Refused(line, "the merge key '<<' takes a mapping or a list of mappings");
          }
          merges.add((ObjectNode) element);
        }
        return;
      }
      throw new Refused(line, "the merge key '<<' takes a mapping or a list of mappings");
    }

    /** Explicit keys win over merged ones; of several merged mappings, the first wins. */
    void applyMerges() {
      if (merges == null) {
        return;
      }
      for (ObjectNode merged : merges) {
        for (Iterator<Map.Entry<String, JsonNode>> it = merged.fields(); it.hasNext(); ) {
          var e = it.next();
          if (!object.has(e.getKey())) {
            object.set(e.getKey(), e.getValue());
          }
        }
      }
    }
  }

  /** A construct refused at a line of the input. */
  private static final class Refused extends RuntimeException {
    final int line;

    Refused(int line, String message) {
      super(message, null, false, false);
      this.line = line;
    }
  }
}
