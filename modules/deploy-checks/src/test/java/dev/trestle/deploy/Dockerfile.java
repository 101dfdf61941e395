package dev.trestle.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A Dockerfile read into stages of instructions: enough to lint it without a Docker engine.
 * Continuation lines are joined, comments and parser directives dropped. A stage built FROM an
 * earlier stage inherits its user, exposed ports and health check, as Docker does.
 */
final class Dockerfile {
  record Instruction(int line, String keyword, String args) {}

  record Stage(String name, String base, int line, List<Instruction> instructions) {}

  private final List<Stage> stages;

  private Dockerfile(List<Stage> stages) {
    this.stages = stages;
  }

  static Dockerfile parse(String text) {
    var stages = new ArrayList<Stage>();
    String[] lines = text.split("\n", -1);
    StringBuilder pending = null;
    int start = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (pending == null && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (pending != null && line.startsWith("#")) {
        continue; // a comment inside a continued instruction
      }
      if (pending == null) {
        pending = new StringBuilder();
        start = i + 1;
      }
      boolean continued = line.endsWith("\\");
      pending.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continued) {
        add(stages, start, pending.toString().strip());
        pending = null;
      }
    }
    if (pending != null) {
      add(stages, start, pending.toString().strip());
    }
    return new Dockerfile(List.copyOf(stages));
  }

  private static void add(List<Stage> stages, int line, String instruction) {
    String[] parts = instruction.split("\\s+", 2);
    String keyword = parts[0].toUpperCase(Locale.ROOT);
    String args = parts.length > 1 ? parts[1] : "";
    if (keyword.equals("FROM")) {
      String[] words = args.split("\\s+");
      int i = 0;
      while (i < words.length && words[i].startsWith("--")) {
        i++; // --platform=...
      }
      String base = i < words.length ? words[i] : "";
      String name = i + 2 < words.length && words[i + 1].equalsIgnoreCase("AS") ? words[i + 2] : "";
      stages.add(new Stage(name, base, line, new ArrayList<>()));
    } else if (stages.isEmpty()) {
      if (!keyword.equals("ARG")) { // ARG may come before the first FROM
        stages.add(new Stage("", "", line, new ArrayList<>()));
        stages.get(0).instructions().add(new Instruction(line, keyword, args));
      }
    } else {
      stages.get(stages.size() - 1).instructions().add(new Instruction(line, keyword, args));
    }
  }

  List<Stage> stages() {
    return stages;
  }

  Optional<Stage> stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The stage this one is built FROM, if it is one of this file's stages. */
  Optional<Stage> parent(Stage stage) {
    int index = stages.indexOf(stage);
    return stages.subList(0, Math.max(index, 0)).stream()
        .filter(s -> s.name().equals(stage.base()))
        .findFirst();
  }

  /**
   * The user the stage's container runs as: its last USER, else its parent stage's, else "root".
   */
  String user(Stage stage) {
    List<Instruction> users = instructions(stage, "USER");
    if (!users.isEmpty()) {
      return users.get(users.size() - 1).args().strip();
    }
    return parent(stage).map(this::user).orElse("root");
  }

  /** Ports of EXPOSE lines in the stage and its parent stages. */
  Set<Integer> exposed(Stage stage) {
    var ports = new LinkedHashSet<Integer>();
    parent(stage).ifPresent(p -> ports.addAll(exposed(p)));
    for (Instruction expose : instructions(stage, "EXPOSE")) {
      for (String port : expose.args().split("\\s+")) {
        ports.add(Integer.parseInt(port.replaceAll("/(tcp|udp)$", "")));
      }
    }
    return ports;
  }

  boolean hasHealthcheck(Stage stage) {
    List<Instruction> checks = instructions(stage, "HEALTHCHECK");
    if (!checks.isEmpty()) {
      return !checks.get(checks.size() - 1).args().strip().equalsIgnoreCase("NONE");
    }
    return parent(stage).map(this::hasHealthcheck).orElse(false);
  }

  static List<Instruction> instructions(Stage stage, String keyword) {
    return stage.instructions().stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The source paths of a COPY/ADD that reads the build context (none for COPY --from=...). */
  static List<String> contextSources(Instruction copy) {
    if (!copy.keyword().equals("COPY") && !copy.keyword().equals("ADD")) {
      return List.of();
    }
    var words = new ArrayList<>(List.of(copy.args().strip().split("\\s+")));
    if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
      return List.of();
    }
    words.removeIf(w -> w.startsWith("--"));
    return words.size() < 2 ? List.of() : words.subList(0, words.size() - 1);
  }
}
