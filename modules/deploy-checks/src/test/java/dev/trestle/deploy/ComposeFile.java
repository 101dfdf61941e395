package dev.trestle.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed views of a compose file's service entries, in the forms the Compose specification allows.
 */
final class ComposeFile {
  /** One published port: "[ip:]host:container[/protocol]". */
  record Port(String hostIp, int host, int container) {
    static Port parse(String text) {
      String[] parts = text.replaceAll("/(tcp|udp)$", "").split(":");
      if (parts.length < 2 || parts.length > 3) {
        throw new IllegalArgumentException("port '" + text + "' is not [IP:]HOST:CONTAINER");
      }
      int n = parts.length;
      return new Port(
          n == 3 ? parts[0] : "", Integer.parseInt(parts[n - 2]), Integer.parseInt(parts[n - 1]));
    }
  }

  /** One volume entry "source:target[:mode]"; a source starting with . or / is a bind mount. */
  record Mount(String source, String target, boolean readOnly) {
    static Mount parse(String text) {
      String[] parts = text.split(":");
      if (parts.length < 2 || parts.length > 3) {
        throw new IllegalArgumentException("volume '" + text + "' is not SOURCE:TARGET[:MODE]");
      }
      return new Mount(parts[0], parts[1], parts.length == 3 && parts[2].equals("ro"));
    }

    boolean bind() {
      return source.startsWith(".") || source.startsWith("/");
    }
  }

  private ComposeFile() {}

  static Map<String, String> environment(JsonNode service) {
    var env = new LinkedHashMap<String, String>();
    JsonNode node = service.path("environment");
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> env.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    } else if (node.isArray()) {
      node.forEach(
          item -> {
            String[] kv = item.asText().split("=", 2);
            env.put(kv[0], kv.length > 1 ? kv[1] : "");
          });
    }
    return env;
  }

  /** depends_on as a list or as a map of conditions: the names of the services. */
  static List<String> dependsOn(JsonNode service) {
    var names = new ArrayList<String>();
    JsonNode node = service.path("depends_on");
    if (node.isArray()) {
      node.forEach(n -> names.add(n.asText()));
    } else {
      node.fieldNames().forEachRemaining(names::add);
    }
    return names;
  }

  static List<Port> ports(JsonNode service) {
    var out = new ArrayList<Port>();
    service.path("ports").forEach(p -> out.add(Port.parse(p.asText())));
    return out;
  }

  static List<Mount> mounts(JsonNode service) {
    var out = new ArrayList<Mount>();
    service.path("volumes").forEach(v -> out.add(Mount.parse(v.asText())));
    return out;
  }

  /** The command as a list of words ("--flag=value" entries stay whole). */
  static List<String> command(JsonNode service) {
    var out = new ArrayList<String>();
    JsonNode node = service.path("command");
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isTextual()) {
      out.addAll(List.of(node.asText().strip().split("\\s+")));
    }
    return out;
  }

  /** The value of "--name=value" or "--name value" in a command, if present. */
  static String flag(List<String> command, String name) {
    for (int i = 0; i < command.size(); i++) {
      String word = command.get(i);
      if (word.startsWith(name + "=")) {
        return word.substring(name.length() + 1);
      }
      if (word.equals(name) && i + 1 < command.size()) {
        return command.get(i + 1);
      }
    }
    return null;
  }
}
