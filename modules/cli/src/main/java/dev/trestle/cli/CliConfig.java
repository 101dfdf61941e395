package dev.trestle.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's own configuration file (YAML):
 *
 * <pre>
 * server: trestle.example.com:9080   # default for --server
 * token: trst....                    # bearer token (written by 'trestle login'), or
 * token-file: /path/to/token         # a file holding it
 * tls: true                          # TLS with the system's trust store, or
 * ca-file: /path/to/ca.pem           # TLS trusting these certificates
 * organization: acme                 # defaults for --org/--tenant/--workspace/--group
 * tenant: payments
 * workspace: checkout
 * group: traffic
 * </pre>
 *
 * Looked up at {@code --config}, else {@code $TRESTLE_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/trestle/cli.yaml}, else {@code $HOME/.config/trestle/cli.yaml} ({@link
 * CliEnvironment#configHome()}). Only an explicitly named file must exist. Relative {@code
 * token-file} and {@code ca-file} paths are relative to the file's directory. {@link #toString()}
 * never shows the token.
 */
public record CliConfig(
    Optional<String> server,
    ParentNames parents,
    Optional<String> token,
    Optional<Path> tokenFile,
    Optional<Boolean> tls,
    Optional<Path> caFile) {
  public static final CliConfig EMPTY =
      new CliConfig(
          Optional.empty(),
          ParentNames.NONE,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
  static final List<String> KEYS =
      List.of(
          "server",
          "token",
          "token-file",
          "tls",
          "ca-file",
          "organization",
          "tenant",
          "workspace",
          "group");

  public CliConfig(Optional<String> server, ParentNames parents) {
    this(server, parents, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

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
    return new Location(env.configHome().resolve("trestle").resolve("cli.yaml"), false);
  }

  public static CliConfig load(Location location) {
    return load(location, false);
  }

  /** As {@link #load(Location)}; with {@code mayBeMissing}, a missing explicit file is empty. */
  public static CliConfig load(Location location, boolean mayBeMissing) {
    Path path = location.path();
    if (!Files.exists(path)) {
      if (location.explicit() && !mayBeMissing) {
        throw new CliException("CLI config " + path + ": no such file");
      }
      return EMPTY;
    }
    try {
      return parse(Files.readString(path), path.toString(), path.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new CliException("CLI config " + path + ": cannot read: " + e.getMessage(), e);
    }
  }

  static CliConfig parse(String text, String source) {
    return parse(text, source, null);
  }

  /** Relative paths resolve against {@code baseDir} (when not null). */
  static CliConfig parse(String text, String source, Path baseDir) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(text);
    } catch (IOException e) {
      // No cause, and only the parser's first line: the rest quotes the file, which may hold
      // a token (and --verbose prints causes).
      String where =
          e instanceof JsonProcessingException j && j.getLocation() != null
              ? " at line "
                  + j.getLocation().getLineNr()
                  + ", column "
                  + j.getLocation().getColumnNr()
              : "";
      throw new CliException(
          "CLI config " + source + ": not valid YAML" + where + ": " + firstLine(e.getMessage()));
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
        throw new CliException(
            "CLI config "
                + source
                + ": '"
                + key
                + "' must be "
                + (key.equals("tls") ? "true or false" : "a string"));
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
    Optional<String> token = text(root, "token");
    if (token.isPresent() && !Credential.wellFormed(token.get())) {
      // Never quote the value: it may be a real secret with a stray character.
      throw new CliException(
          "CLI config " + source + ": token: " + Credential.MALFORMED + "; run 'trestle login'");
    }
    Optional<Path> tokenFile = path(root, "token-file", source, baseDir);
    if (token.isPresent() && tokenFile.isPresent()) {
      throw new CliException(
          "CLI config " + source + ": give either 'token' or 'token-file', not both");
    }
    Optional<Boolean> tls = bool(root, "tls", source);
    Optional<Path> caFile = path(root, "ca-file", source, baseDir);
    if (caFile.isPresent() && tls.equals(Optional.of(false))) {
      throw new CliException(
          "CLI config " + source + ": 'ca-file' means TLS; it contradicts 'tls: false'");
    }
    return new CliConfig(
        server,
        new ParentNames(
            text(root, "organization"),
            text(root, "tenant"),
            text(root, "workspace"),
            text(root, "group")),
        token,
        tokenFile,
        tls,
        caFile);
  }

  @Override
  public String toString() {
    return "CliConfig[server="
        + server
        + ", parents="
        + parents
        + ", token="
        + (token.isPresent() ? "(set)" : "(none)")
        + ", tokenFile="
        + tokenFile
        + ", tls="
        + tls
        + ", caFile="
        + caFile
        + "]";
  }

  private static Optional<String> text(JsonNode root, String key) {
    JsonNode n = root.get(key);
    return n == null || n.isNull()
        ? Optional.empty()
        : Optional.of(n.asText().strip()).filter(s -> !s.isEmpty());
  }

  private static Optional<Path> path(JsonNode root, String key, String source, Path baseDir) {
    Optional<String> text = text(root, key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path p = Path.of(text.get());
      return Optional.of(baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize());
    } catch (InvalidPathException e) {
      throw new CliException(
          "CLI config " + source + ": " + key + ": not a path: " + e.getReason());
    }
  }

  private static Optional<Boolean> bool(JsonNode root, String key, String source) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (n.isBoolean()) {
      return Optional.of(n.booleanValue());
    }
    String t = n.asText().strip();
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Optional.of(Boolean.parseBoolean(t));
    }
    throw new CliException(
        "CLI config " + source + ": '" + key + "' must be true or false, not '" + t + "'");
  }

  private static String firstLine(String s) {
    String line = s == null ? "" : s.lines().findFirst().orElse("").strip();
    return line.length() > 120 ? line.substring(0, 120) + "…" : line;
  }
}
