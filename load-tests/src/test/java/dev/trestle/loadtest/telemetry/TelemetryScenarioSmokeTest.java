package dev.trestle.loadtest.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench telemetry} end to end at a tiny size: a real central in this JVM, real gRPC ingest
 * and queries, every result file. No timing assertions.
 */
class TelemetryScenarioSmokeTest {
  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void everyWindowIsStoredAndTheQueriesSeeWhatWasReported(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    var scenario =
        new TelemetryScenario(new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);
    int exit =
        new CommandLine(scenario)
            .execute(
                "--clusters",
                "2",
                "--pairs",
                "10",
                "--windows",
                "2",
                "--queries",
                "2",
                "--raw-batch",
                "50",
                "--out",
                out.toString());
    assertThat(exit).isZero();
    Path dir = scenario.lastRunDirectory();
    for (String f : new String[] {"result.json", "result.md", "latency.png"}) {
      assertThat(dir.resolve(f)).isNotEmptyFile();
    }
    JsonNode f = new ObjectMapper().readTree(dir.resolve("result.json").toFile()).path("figures");
    assertThat(f.path("windowsAccepted").asLong()).isEqualTo(4);
    assertThat(f.path("windowsDropped").asLong()).isZero();
    assertThat(f.path("seriesPerSecond").asDouble()).isPositive();
    assertThat(f.path("rawInsertRowsPerSecond").asDouble()).isPositive();
    // each cluster: services svc0..svc9 and their callers
    assertThat(f.path("topologyNodes").asInt()).isGreaterThanOrEqualTo(2 * 10);
    assertThat(f.path("serviceQuery").path("stats").path("count").asInt()).isEqualTo(2);
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("## Figures");
  }

  @Test
  void pacedEdgesOfferTheirRateAndEveryAnswerIsCounted(@TempDir Path out) throws Exception {
    var scenario =
        new TelemetryScenario(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
    int exit =
        new CommandLine(scenario)
            .execute(
                "--clusters",
                "3",
                "--pairs",
                "10",
                "--windows",
                "2",
                "--interval",
                "1",
                "--topology-clusters",
                "1",
                "--queries",
                "1",
                "--raw-batch",
                "50",
                "--out",
                out.toString());
    assertThat(exit).isZero();
    JsonNode f =
        new ObjectMapper()
            .readTree(scenario.lastRunDirectory().resolve("result.json").toFile())
            .path("figures");
    assertThat(f.path("windowsAccepted").asLong()).isEqualTo(6);
    assertThat(f.path("windowsDropped").asLong()).isZero();
    assertThat(f.path("reportsFailed").asLong()).isZero();
    // 3 clusters x 11 series per second
    assertThat(f.path("offeredSeriesPerSecond").asLong()).isEqualTo(33);
    assertThat(f.path("cpuSecondsPer1000Series").asDouble()).isPositive();
    // one cluster's services svc0..svc9 and its callers
    assertThat(f.path("topologyNodes").asInt()).isGreaterThanOrEqualTo(10);
  }
}
