package dev.trestle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ComposeFileTest {
  private static final Path DOCKER = RepoFiles.docker();
  private static final JsonNode COMPOSE = RepoFiles.document(DOCKER.resolve("compose.yaml"));
  private static final ConfigNames NAMES = ConfigNames.load(RepoFiles.root());
  private static final List<String> CENTRALS = List.of("central-1", "central-2", "central-3");
  private static final List<String> EDGES = List.of("edge-eu-west-1a", "edge-eu-west-1b");

  private static JsonNode service(String name) {
    return COMPOSE.path("services").path(name);
  }

  @Test
  void composeFilePassesStructuralChecks() {
    assertThat(ComposeLint.problems(COMPOSE, DOCKER, NAMES)).isEmpty();
  }

  @Test
  void runsPostgresThreeCentralNodesABootstrapAndTwoEdges() {
    assertThat(COMPOSE.path("services").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(List.of("postgres", "bootstrap"), CENTRALS, EDGES)
                .flatMap(List::stream)
                .toList());
    assertThat(service("postgres").path("image").asText()).startsWith("postgres:");
    for (String central : CENTRALS) {
      assertThat(service(central).path("build").path("target").asText()).isEqualTo("central");
    }
    for (String edge : EDGES) {
      assertThat(service(edge).path("build").path("target").asText()).isEqualTo("edge");
    }
  }

  @Test
  void centralNodesShareOnePostgresAndSeedEachOther() {
    String seeds = String.join(",", CENTRALS.stream().map(c -> c + ":25520").toList());
    for (String central : CENTRALS) {
      Map<String, String> env = ComposeFile.environment(service(central));
      assertThat(env)
          .containsEntry("TRESTLE_STORAGE_PROFILE", "postgres")
          .containsEntry("TRESTLE_CLUSTER_HOST", central)
          .containsEntry("TRESTLE_CLUSTER_PORT", "25520")
          .containsEntry("TRESTLE_CLUSTER_DISCOVERY", "seed-nodes")
          .containsEntry("TRESTLE_SEED_NODES", seeds)
          .containsEntry("TRESTLE_POSTGRES_URL", "jdbc:postgresql://postgres:5432/trestle")
          .doesNotContainKey("TRESTLE_POSTGRES_PASSWORD"); // the password comes from a secret file
      assertThat(env.get("TRESTLE_POSTGRES_PASSWORD_FILE"))
          .isEqualTo("/run/secrets/postgres-password");
      assertThat(ComposeFile.dependsOn(service(central))).contains("postgres");
    }
    // Only the first node starts alone: it forms the cluster and creates the initial admin.
    assertThat(ComposeFile.dependsOn(service("central-2"))).contains("central-1");
    assertThat(ComposeFile.dependsOn(service("central-3"))).contains("central-1");
  }

  @Test
  void edgesReachEveryCentralNodeWithTheTokenAndInventoryMountedForThem() {
    JsonNode bootstrap = service("bootstrap");
    List<String> bootstrapArgs = ComposeFile.command(bootstrap);
    for (String edge : EDGES) {
      List<String> command = ComposeFile.command(service(edge));
      String cluster = ComposeFile.flag(command, "--cluster");
      assertThat(bootstrapArgs).as("bootstrap mints a token for " + cluster).contains(cluster);
      assertThat(ComposeFile.flag(command, "--central").split(","))
          .containsExactlyInAnyOrderElementsOf(CENTRALS.stream().map(c -> c + ":9081").toList());
      List<ComposeFile.Mount> mounts = ComposeFile.mounts(service(edge));
      assertThat(ComposeFile.flag(command, "--token-file"))
          .isEqualTo("/var/lib/trestle/join/" + cluster + ".token");
      assertThat(mounts)
          .contains(new ComposeFile.Mount("join-tokens", "/var/lib/trestle/join", true));
      assertThat(ComposeFile.mounts(bootstrap))
          .contains(new ComposeFile.Mount("join-tokens", "/var/lib/trestle/join", false));
      String inventory = ComposeFile.flag(command, "--inventory");
      ComposeFile.Mount inventoryMount =
          mounts.stream().filter(m -> m.target().equals(inventory)).findFirst().orElseThrow();
      assertThat(DOCKER.resolve(inventoryMount.source()).normalize())
          .isEqualTo(DOCKER.resolve("inventories/" + cluster + ".yaml"));
      assertThat(ComposeFile.flag(command, "--status-port"))
          .as("the edge image's HEALTHCHECK probes 8559")
          .isEqualTo("8559");
    }
    // The edges never see the admin token.
    for (String edge : EDGES) {
      assertThat(ComposeFile.mounts(service(edge)))
          .noneMatch(m -> m.source().equals("admin-token"));
    }
  }

  @Test
  void bootstrapAppliesAnExistingConfigurationDirectory() {
    List<String> args = ComposeFile.command(service("bootstrap"));
    String configDir = args.get(2);
    ComposeFile.Mount mount =
        ComposeFile.mounts(service("bootstrap")).stream()
            .filter(m -> m.target().equals(configDir))
            .findFirst()
            .orElseThrow();
    assertThat(Files.isDirectory(DOCKER.resolve(mount.source()))).isTrue();
    assertThat(service("bootstrap").path("entrypoint").get(0).asText())
        .isEqualTo("/opt/trestle/bootstrap/bootstrap.sh");
  }

  @Test
  void lintCatchesUnknownEnvironmentDanglingReferencesMissingFilesAndPortClashes() {
    ObjectNode broken = COMPOSE.deepCopy();
    ObjectNode services = (ObjectNode) broken.path("services");
    ((ObjectNode) services.path("central-2").path("environment"))
        .put("TRESTLE_STORAGE_PROFLE", "postgres");
    ((ObjectNode) services.path("central-3").path("depends_on")).putObject("central-9");
    ((ArrayNode) services.path("central-3").path("ports")).add("127.0.0.1:9080:9080");
    ((ArrayNode) services.path("edge-eu-west-1a").path("ports")).add("127.0.0.1:18555:8559");
    ((ArrayNode) services.path("edge-eu-west-1b").path("volumes"))
        .add("./inventories/missing.yaml:/etc/x.yaml:ro");
    ((ArrayNode) services.path("edge-eu-west-1b").path("volumes")).add("undeclared:/var/x");
    ((ObjectNode) services.path("central-1").path("build")).put("target", "centre");
    services.putObject("lonely");

    assertThat(ComposeLint.problems(broken, DOCKER, NAMES))
        .containsExactlyInAnyOrder(
            "service central-2: environment variable TRESTLE_STORAGE_PROFLE is read by nothing (not"
                + " in conf/trestle.conf, reference.conf or the CLI)",
            "service central-3: depends_on central-9, which is not a service",
            "service central-3: host port 9080 is already published by central-1",
            "service edge-eu-west-1a: publishes container port 8559, which its image does not"
                + " EXPOSE [18000]",
            "service edge-eu-west-1b: bind mount source ./inventories/missing.yaml does not exist",
            "service edge-eu-west-1b: volume undeclared is not declared under volumes",
            "service central-1: build target centre is not a stage of "
                + RepoFiles.root().resolve("docker/Dockerfile"),
            "service lonely: neither image nor build");
  }
}
