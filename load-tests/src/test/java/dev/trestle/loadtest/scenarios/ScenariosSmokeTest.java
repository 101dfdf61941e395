package dev.trestle.loadtest.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The writes, propagation, heartbeats, fan-out and recovery scenarios end to end with tiny sizes:
 * real central nodes (in this JVM, or a child JVM for fan-out and recovery), real gRPC, every
 * result file. No timing assertions; CI machines vary.
 */
class ScenariosSmokeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private static JsonNode run(
      ScenarioBase scenario,
      ByteArrayOutputStream stdout,
      String name,
      String chart,
      String... args)
      throws Exception {
    int exit = new CommandLine(scenario).execute(args);
    assertThat(exit).as(name + " exit code").isZero();
    Path dir = scenario.lastRunDirectory();
    assertThat(dir.getFileName().toString()).startsWith(name + "-");
    for (String f : new String[] {"result.json", "result.md", chart}) {
      assertThat(dir.resolve(f)).isNotEmptyFile();
    }
    assertThat(ImageIO.read(dir.resolve(chart).toFile()).getWidth()).isPositive();
    JsonNode json = JSON.readTree(dir.resolve("result.json").toFile());
    assertThat(json.path("scenario").asText()).isEqualTo(name);
    assertThat(json.path("machine").path("cores").asInt()).isPositive();
    assertThat(json.path("machine").path("jvm").asText()).isNotBlank();
    assertThat(json.path("systemLoad").path("atStart").asText()).isNotBlank();
    assertThat(json.path("serverConfig").path("trestle.limits.writes-per-second").asInt())
        .isEqualTo(1_000_000);
    assertThat(Files.readString(dir.resolve("result.md"))).contains("## Figures");
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("## Figures");
    return json.path("figures");
  }

  private static PrintStream out(ByteArrayOutputStream b) {
    return new PrintStream(b, true, StandardCharsets.UTF_8);
  }

  @Test
  void writes(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    JsonNode f =
        run(
            new WritesScenario(out(stdout), System.err),
            stdout,
            "writes",
            "throughput.png",
            "--clients",
            "2",
            "--routes-per-client",
            "2",
            "--duration",
            "2s",
            "--warmup",
            "0s",
            "--raw-rows",
            "2000",
            "--raw-batch",
            "500",
            "--raw-time-limit",
            "5s",
            "--out",
            out.toString());
    assertThat(f.path("writesPerSecond").asDouble()).isPositive();
    assertThat(f.path("errors").asInt()).isZero();
    assertThat(f.path("rawInsertBatched").path("rowsPerSecond").asDouble()).isPositive();
    assertThat(f.path("rawInsertSingleRowCommits").path("rows").asLong()).isPositive();
    assertThat(f.path("ratioToRawBatched").asDouble()).isPositive();
    assertThat(f.path("applyLatency").path("stats").path("count").asInt()).isPositive();
  }

  @Test
  void propagation(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    JsonNode f =
        run(
            new PropagationScenario(out(stdout), System.err),
            stdout,
            "propagation",
            "latency.png",
            "--edges",
            "3",
            "--changes",
            "2",
            "--warmup-changes",
            "0",
            "--timeout",
            "60s",
            "--out",
            out.toString());
    assertThat(f.path("receipt").path("stats").path("count").asInt()).isEqualTo(6);
    assertThat(f.path("receipt").path("stats").path("p50Ms").asDouble()).isPositive();
    assertThat(f.path("allAckedAtCentral").path("stats").path("count").asInt()).isEqualTo(2);
    assertThat(f.path("echoReceipt").path("stats").path("count").asInt()).isEqualTo(6);
    assertThat(f.path("deltaMessageBytes").asLong()).isPositive();
  }

  @Test
  void heartbeats(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    JsonNode f =
        run(
            new HeartbeatsScenario(out(stdout), System.err),
            stdout,
            "heartbeats",
            "throughput.png",
            "--clusters",
            "3",
            "--rate",
            "200",
            "--duration",
            "2s",
            "--drain",
            "10s",
            "--out",
            out.toString());
    assertThat(f.path("sent").asLong()).isPositive();
    assertThat(f.path("journaledTotal").asLong()).isPositive();
    assertThat(f.path("ingestedPerSecondDuringSending").asDouble()).isPositive();
  }

  @Test
  void fanout(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    JsonNode f =
        run(
            new FanoutScenario(out(stdout), System.err),
            stdout,
            "fanout",
            "throughput.png",
            "--edges",
            "3",
            "--settle",
            "0s",
            "--gc-rounds",
            "1",
            "--out",
            out.toString());
    assertThat(f.path("edgesConnectedAtCentral").asDouble()).isEqualTo(3.0);
    assertThat(f.path("heapAfterGcWithEdgesBytes").asLong()).isPositive();
  }

  @Test
  void recovery(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    JsonNode f =
        run(
            new RecoveryScenario(out(stdout), System.err),
            stdout,
            "recovery",
            "latency.png",
            "--edges",
            "3",
            "--routes",
            "2",
            "--timeout",
            "120s",
            "--out",
            out.toString());
    assertThat(f.path("allResyncedAfterSpawnSeconds").asDouble()).isPositive();
    assertThat(f.path("welcomeAfterStart").path("stats").path("count").asInt()).isEqualTo(3);
  }

  @Test
  void crosscluster(@TempDir Path out) throws Exception {
    var stdout = new ByteArrayOutputStream();
    var scenario = new CrossClusterScenario(out(stdout), System.err);
    int exit =
        new CommandLine(scenario)
            .execute(
                "--clusters",
                "3",
                "--rounds",
                "1",
                "--timeout",
                "120s",
                "--quiet",
                "500ms",
                "--out",
                out.toString());
    assertThat(exit).isZero();
    Path dir = scenario.lastRunDirectory();
    assertThat(dir.resolve("result.md")).isNotEmptyFile();
    JsonNode json = JSON.readTree(dir.resolve("result.json").toFile());
    assertThat(json.path("scenario").asText()).isEqualTo("crosscluster");
    JsonNode n3 = json.path("figures").path("perClusterCount").get(0);
    assertThat(n3.path("clusters").asInt()).isEqualTo(3);
    assertThat(n3.path("edgesWithServiceEntry").asInt()).isEqualTo(3);
    JsonNode removed = n3.path("changes").get(0);
    assertThat(removed.path("edgesReachedPerChange").asDouble()).isEqualTo(2.0);
    assertThat(removed.path("bytesPerChange").asDouble()).isPositive();
    assertThat(n3.path("changes").get(2).path("messagesPerChange").asDouble()).isZero();
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("## Figures");
  }
}
