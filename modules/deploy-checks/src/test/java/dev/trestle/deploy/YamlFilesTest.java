package dev.trestle.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlFilesTest {

  @Test
  void everyYamlFileUnderDockerParses() {
    List<Path> files = RepoFiles.yamlFiles(RepoFiles.docker());
    assertThat(files).hasSizeGreaterThanOrEqualTo(14);
    for (Path file : files) {
      List<JsonNode> docs = RepoFiles.documents(file);
      assertThat(docs).as(file.toString()).isNotEmpty().allMatch(JsonNode::isObject);
    }
  }

  @Test
  void exampleInventoriesNameNamespacesServicesAndAnEastWestGateway() {
    for (Path file : RepoFiles.yamlFiles(RepoFiles.docker().resolve("inventories"))) {
      JsonNode inventory = RepoFiles.document(file);
      assertThat(inventory.path("namespaces")).as(file.toString()).isNotEmpty();
      assertThat(inventory.path("services")).as(file.toString()).isNotEmpty();
      assertThat(inventory.path("gateways").findValuesAsText("role"))
          .as(file.toString())
          .contains("EAST_WEST");
      for (JsonNode service : inventory.path("services")) {
        assertThat(inventory.path("namespaces").toString())
            .as(file + ": " + service)
            .contains("\"" + service.path("namespace").asText() + "\"");
      }
    }
  }

  @Test
  void duplicateKeysAndBrokenYamlAreErrors(@TempDir Path dir) throws IOException {
    Path duplicate = Files.writeString(dir.resolve("dup.yaml"), "a: 1\na: 2\n");
    assertThatThrownBy(() -> RepoFiles.documents(duplicate))
        .hasMessageContaining("duplicate key a");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "services:\n  x: [1, 2\n");
    assertThatThrownBy(() -> RepoFiles.documents(broken)).isInstanceOf(RuntimeException.class);
  }
}
