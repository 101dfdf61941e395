package dev.trestle.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.translator.MeshCatalog.Reachability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract between the translator and the clusters: every object it emits is one Istio's API
 * server admits. It covers every golden file (present and future: the whole golden tree is read)
 * and the randomized inputs of {@link DeterminismTest}; {@link Fixtures#objects} makes every other
 * test that looks at an output check all of it too.
 */
class IstioSchemaContractTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void everyObjectInEveryGoldenFileIsAdmittedByItsIstioSchema() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Fixtures.GOLDEN)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(6);
    int checked = 0;
    for (Path file : files) {
      int inFile = 0;
      try (var docs = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)) {
        while (docs.hasNextValue()) {
          JsonNode doc = docs.nextValue();
          if (doc == null || doc.isEmpty()) {
            continue;
          }
          assertThat(IstioSchemaCheck.violations(doc)).as("%s", file.getFileName()).isEmpty();
          inFile++;
        }
      }
      assertThat(inFile).as("objects in %s", file).isPositive();
      checked += inFile;
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void everyObjectTranslatedFromShuffledInputsIsAdmitted() {
    var resources = Fixtures.acmeResources();
    var reference = Fixtures.acme();
    var catalog = CrossClusterTest.acmeCatalog();
    int checked = 0;
    for (long seed = 1; seed <= 5; seed++) {
      var shuffled = new ArrayList<Resource>(resources);
      Collections.shuffle(shuffled, new Random(seed));
      var snapshot =
          ConfigSnapshot.of(shuffled.stream().map(DeterminismTest::reverseMaps).toList());
      for (String cluster : Fixtures.acmeClusters()) {
        var view = Fixtures.acmeView(reference, cluster);
        var local = IstioTranslator.translate(snapshot, view);
        var withCatalog = CrossClusterTest.translate(snapshot, cluster, catalog, Reachability.ALL);
        assertThat(IstioSchemaCheck.violations(local.objects()))
            .as("%s seed %d", cluster, seed)
            .isEmpty();
        assertThat(IstioSchemaCheck.violations(withCatalog.objects()))
            .as("%s seed %d with the catalog", cluster, seed)
            .isEmpty();
        checked += local.objects().size() + withCatalog.objects().size();
      }
    }
    assertThat(checked).isGreaterThan(500);
  }
}
