package dev.trestle.loadtest.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The audit scenario end to end with tiny sizes: real central node, real load, real gRPC calls, all
 * result files. No timing assertions; CI machines vary.
 */
class AuditScenarioSmokeTest {

  @Test
  void smallRunWritesParsableResultsWithFigures(@TempDir Path out) throws Exception {
    System.setProperty("java.awt.headless", "true");
    var stdout = new ByteArrayOutputStream();
    var scenario =
        new AuditScenario(new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

    int exit =
        new CommandLine(scenario)
            .execute(
                "--rows",
                "2000",
                "--queries",
                "50",
                "--warmup",
                "10",
                "--batch-size",
                "500",
                "--time-limit",
                "60s",
                "--probe-rows",
                "500",
                "--probe-single-rows",
                "50",
                "--out",
                out.toString());

    assertThat(exit).isZero();
    Path dir = scenario.lastRunDirectory();
    assertThat(dir.getParent()).isEqualTo(out.toAbsolutePath().normalize());
    assertThat(dir.getFileName().toString()).startsWith("audit-");
    for (String f : new String[] {"result.json", "result.md", "latency.png", "explain.txt"}) {
      assertThat(dir.resolve(f)).isNotEmptyFile();
    }

    JsonNode json = new ObjectMapper().readTree(dir.resolve("result.json").toFile());
    assertThat(json.path("scenario").asText()).isEqualTo("audit");
    assertThat(json.path("machine").path("cores").asInt()).isPositive();
    assertThat(json.path("machine").path("memoryBytes").asLong()).isPositive();
    assertThat(json.path("machine").path("storageProfile").asText()).isEqualTo("embedded");
    assertThat(json.path("machine").path("jvm").asText()).isNotBlank();
    assertThat(json.path("load").path("rows").asLong()).isEqualTo(2000);
    assertThat(json.path("load").path("rowsPerSecondInsert").asDouble()).isPositive();
    assertThat(json.path("load").path("refusedRows").asLong()).isPositive();
    assertThat(json.path("load").path("indexBuildSeconds").size()).isPositive();
    assertThat(json.path("dataset").path("databaseBytes").asLong()).isPositive();
    assertThat(json.path("insertProbes")).hasSize(2);
    // the node may add its own rows (e.g. creating the initial administrator is audited)
    assertThat(json.path("insertProbes").get(0).path("tableRowsBefore").asLong())
        .isGreaterThanOrEqualTo(2000);
    assertThat(json.path("insertProbes").get(0).path("rows").asLong()).isEqualTo(500);
    assertThat(json.path("insertProbes").get(1).path("rows").asLong()).isEqualTo(50);
    assertThat(json.path("insertProbes").get(1).path("rowsPerSecond").asDouble()).isPositive();

    JsonNode q = json.path("queries");
    assertThat(q.path("measured").asInt()).isEqualTo(50);
    assertThat(q.path("errors").asInt()).isZero();
    assertThat(q.path("overall").path("count").asInt()).isEqualTo(50);
    assertThat(q.path("overall").path("p50Ms").asDouble()).isPositive();
    assertThat(q.path("overall").path("p99Ms").asDouble())
        .isGreaterThanOrEqualTo(q.path("overall").path("p50Ms").asDouble());
    assertThat(q.path("series")).hasSize(AuditQueryShape.values().length * 2);
    for (JsonNode s : q.path("series")) {
      if (s.path("page").asInt() == 1) {
        assertThat(s.path("latency").path("count").asInt())
            .as(s.path("series").asText())
            .isPositive();
      }
    }
    // the queries found rows: pages of the loaded table, not empty answers
    assertThat(
            q.path("series").findValues("meanRows").stream()
                .mapToDouble(JsonNode::asDouble)
                .max()
                .orElse(0))
        .isPositive();

    JsonNode diagnostics = json.path("diagnostics");
    assertThat(diagnostics.size()).isPositive();
    for (JsonNode d : diagnostics) {
      assertThat(d.path("note").asText()).as(d.path("series").asText()).isEmpty();
      assertThat(d.path("plan").asText()).contains("TRESTLE_AUDIT_LOG");
    }

    var png = ImageIO.read(dir.resolve("latency.png").toFile());
    assertThat(png.getWidth()).isPositive();
    assertThat(Files.readString(dir.resolve("result.md"))).contains("| **overall** |");
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Audit query benchmark");
  }
}
