package dev.trestle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's own configuration file (YAML):
 *
 * <pre>
 * server: trestle.example.com:9080   # default for --server
 * organization: acme                 # defaults for --org/--tenant/--workspace/--group
 * tenant: payments
 * workspace: checkout
 * group: traffic
 * </pre>
 *
 * Looked up at {@code --config}, else {@code $TRESTLE_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/trestle/cli.yaml} (default {@code ~/.config/trestle/cli.yaml}). Only an
 * explicitly named file must exist.
 */
public record CliConfig(Optional<String> server, ParentNames parents) {
  public static final CliConfig EMPTY = new CliConfig(Optional.empty(), ParentNames.NONE);
  private static final List<String> KEYS =
      List.of("server", "organization", "tenant", "workspace", "group");

  /** Where the configuration comes from and whether it must exist. */
  public record Location(Path path, boolean explicit) {}

  public static Location locate(Optional<Path> flag, CliEnvironment env) {
    if (flag.isPresent()) {
      return new Location(flag.get(), true);
    }
    Optional<String> fromEnv = env.variable("TRESTLE_CONFIG");
    if (fromEnv.isPresent()) {
      return new Location(Path.of(fromEnv.get()), true);
    }
    Path base = env.variable("XDG_CONFIG_HOME").map(Path::of).orElse(env.home().resolve(".config"));
    return new Location(base.resolve("trestle").resolve("cli.yaml"), false);
  }

  public static CliConfig load(Location location) {
    Path path = location.path();
    if (!Files.exists(path)) {
      if (location.explicit()) {
        throw new CliException("CLI config " + path + ": no such file");
      }
      return EMPTY;
    }
    try {
      return parse(Files.readString(path), path.toString());
    } catch (IOException e) {
      throw new CliException("CLI config " + path + ": cannot read: " + e.getMessage(), e);
    }
  }

  static CliConfig parse(String text, String source) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(text);
    } catch (IOException e) {
      throw new CliException(
          "CLI config " + source + ": not valid YAML: " + firstLine(e.getMessage()), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return EMPTY;
    }
    if (!root.isObject()) {
      throw new CliException("CLI config " + source + ": must be a mapping of " + KEYS);
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new CliException(
            "CLI config " + source + ": unknown key '" + key + "' (known: " + KEYS + ")");
      }
      if (!root.get(key).isValueNode()) {
        throw new CliException("CLI config " + source + ": '" + key + "' must be a string");
      }
    }
    Optional<String> server = text(root, "server");
    server.ifPresent(
        s -> {
          try {
            ServerAddress.parse(s);
          } catch (IllegalArgumentException e) {
            throw new CliException("CLI config " + source + ": server: " + e.getMessage());
          }
        });
    return new CliConfig(
        server,
        new ParentNames(
            text(root, "organization"),
            text(root, "tenant"),
            text(root, "workspace"),
            text(root, "group")));
  }

  private static Optional<String> text(JsonNode root, String key) {
    JsonNode n = root.get(key);
    return n == null || n.isNull()
        ? Optional.empty()
        : Optional.of(n.asText().strip()).filter(s -> !s.isEmpty());
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
