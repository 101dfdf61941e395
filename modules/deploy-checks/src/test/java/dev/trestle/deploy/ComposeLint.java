package dev.trestle.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural checks of a compose file that `docker compose config` would make, plus Trestle's:
 * every service has an image or a build whose context, Dockerfile and target exist; environment
 * names are ones Trestle reads; published ports are distinct on the host and exposed by the image;
 * depends_on, named volumes and secrets refer to things that are declared; bind-mounted files
 * exist.
 */
final class ComposeLint {
  private ComposeLint() {}

  static List<String> problems(JsonNode compose, Path composeDir, ConfigNames names) {
    var out = new ArrayList<String>();
    JsonNode services = compose.path("services");
    if (!services.isObject() || services.isEmpty()) {
      return List.of("no services");
    }
    Map<String, Set<Integer>> exposedByImage = exposedPortsOfBuiltImages(services, composeDir, out);
    Map<Integer, String> hostPorts = new HashMap<>();
    services
        .fields()
        .forEachRemaining(
            entry -> {
              String name = entry.getKey();
              JsonNode service = entry.getValue();
              String where = "service " + name;
              if (!service.has("image") && !service.has("build")) {
                out.add(where + ": neither image nor build");
              }
              out.addAll(names.unknown(ComposeFile.environment(service).keySet(), where));
              for (String dependency : ComposeFile.dependsOn(service)) {
                if (!services.has(dependency)) {
                  out.add(where + ": depends_on " + dependency + ", which is not a service");
                }
              }
              Set<Integer> exposed = exposedByImage.get(service.path("image").asText(""));
              try {
                for (ComposeFile.Port port : ComposeFile.ports(service)) {
                  String previous = hostPorts.putIfAbsent(port.host(), name);
                  if (previous != null) {
                    out.add(
                        where
                            + ": host port "
                            + port.host()
                            + " is already published by "
                            + previous);
                  }
                  if (exposed != null && !exposed.contains(port.container())) {
                    out.add(
                        where
                            + ": publishes container port "
                            + port.container()
                            + ", which its image does not EXPOSE "
                            + exposed);
                  }
                }
                for (ComposeFile.Mount mount : ComposeFile.mounts(service)) {
                  if (mount.bind()) {
                    if (!Files.exists(composeDir.resolve(mount.source()))) {
                      out.add(where + ": bind mount source " + mount.source() + " does not exist");
                    }
                  } else if (!compose.path("volumes").has(mount.source())) {
                    out.add(
                        where + ": volume " + mount.source() + " is not declared under volumes");
                  }
                }
              } catch (IllegalArgumentException e) {
                out.add(where + ": " + e.getMessage());
              }
              for (JsonNode secret : service.path("secrets")) {
                if (!compose.path("secrets").has(secret.asText())) {
                  out.add(where + ": secret " + secret.asText() + " is not declared under secrets");
                }
              }
            });
    compose
        .path("secrets")
        .fields()
        .forEachRemaining(
            s -> {
              String file = s.getValue().path("file").asText("");
              if (!file.isEmpty() && !Files.isRegularFile(composeDir.resolve(file))) {
                out.add("secret " + s.getKey() + ": file " + file + " does not exist");
              }
            });
    return out;
  }

  /** image name -> the ports its Dockerfile target exposes, for every service with a build. */
  private static Map<String, Set<Integer>> exposedPortsOfBuiltImages(
      JsonNode services, Path composeDir, List<String> out) {
    var result = new HashMap<String, Set<Integer>>();
    services
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode build = entry.getValue().path("build");
              if (build.isMissingNode()) {
                return;
              }
              String where = "service " + entry.getKey() + ": build";
              Path context =
                  composeDir
                      .resolve(
                          build.isTextual() ? build.asText() : build.path("context").asText("."))
                      .normalize();
              Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
              if (!Files.isDirectory(context)) {
                out.add(where + " context " + context + " is not a directory");
                return;
              }
              if (!Files.isRegularFile(dockerfile)) {
                out.add(where + " dockerfile " + dockerfile + " does not exist");
                return;
              }
              Dockerfile parsed = Dockerfile.parse(RepoFiles.read(dockerfile));
              String target = build.path("target").asText("");
              var stage =
                  target.isEmpty()
                      ? parsed.stages().stream().reduce((a, b) -> b)
                      : parsed.stage(target);
              if (stage.isEmpty()) {
                out.add(where + " target " + target + " is not a stage of " + dockerfile);
                return;
              }
              String image = entry.getValue().path("image").asText("");
              if (!image.isEmpty()) {
                result.put(image, parsed.exposed(stage.get()));
              }
            });
    return result;
  }
}
