package dev.trestle.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Minimal lint of a Dockerfile without a Docker engine: every image target exists, runs as a
 * non-root user, exposes its ports and has a health check; every COPY source exists in the build
 * context and is not left out by .dockerignore.
 */
final class DockerfileLint {
  private DockerfileLint() {}

  /**
   * @param targets the image targets, each with the ports it must EXPOSE
   * @param context the build context (the repository root)
   */
  static List<String> problems(
      Dockerfile file, Map<String, Set<Integer>> targets, Path context, DockerIgnore ignore) {
    var out = new ArrayList<String>();
    if (file.stages().isEmpty() || file.stages().get(0).base().isEmpty()) {
      out.add("no FROM line before the first instruction");
    }
    targets.forEach(
        (name, ports) ->
            file.stage(name)
                .ifPresentOrElse(
                    stage -> {
                      String user = file.user(stage);
                      if (isRoot(user)) {
                        out.add(
                            "target "
                                + name
                                + " runs as "
                                + user
                                + ": add a USER with a non-root uid");
                      }
                      Set<Integer> missing = new TreeSet<>(ports);
                      missing.removeAll(file.exposed(stage));
                      if (!missing.isEmpty()) {
                        out.add("target " + name + " does not EXPOSE " + missing);
                      }
                      if (!file.hasHealthcheck(stage)) {
                        out.add("target " + name + " has no HEALTHCHECK");
                      }
                    },
                    () -> out.add("no stage named " + name + " (FROM ... AS " + name + ")")));
    for (Dockerfile.Stage stage : file.stages()) {
      for (Dockerfile.Instruction i : stage.instructions()) {
        for (String source : Dockerfile.contextSources(i)) {
          String where = "line " + i.line() + " (" + i.keyword() + " " + source + ")";
          if (!Files.exists(context.resolve(source))) {
            out.add(where + ": no such file in the build context " + context);
          } else if (ignore.ignores(source)) {
            out.add(where + ": left out of the build context by .dockerignore");
          }
        }
      }
    }
    return out;
  }

  static boolean isRoot(String user) {
    String u = user.strip().split(":")[0];
    return u.isEmpty() || u.equals("root") || u.equals("0");
  }
}
