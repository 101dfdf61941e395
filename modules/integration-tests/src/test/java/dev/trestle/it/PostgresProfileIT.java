package dev.trestle.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trestle.testsupport.WriteBurst;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code trestle server --profile postgres} as a real process on a fresh PostgreSQL database: the
 * acme example through the CLI (apply, get, history, audit), a graceful restart that keeps
 * everything, and kill -9 in the middle of a burst of writes after which the audit log holds every
 * acknowledged change exactly once. Its H2 twins are CliEndToEndIT and the server's
 * AuditCrashRecoveryTest.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresProfileIT {
  // Declared first: dropped after the server (registered after it) has stopped.
  @RegisterExtension
  static final PostgresDatabase database = new PostgresDatabase("PostgresProfileIT");

  @RegisterExtension
  static final CentralServer central =
      new CentralServer(
          new ServerProcess.Options(
              false, 0, database.serverEnv(), List.of("--profile", "postgres")));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ACME = TrestleRuntime.examples("acme");
  private static final String CART =
      "organizations/acme/tenants/payments/workspaces/checkout/groups/checkout-traffic/serviceroutes/cart";

  @Test
  @Order(1)
  void theServerRunsOnPostgresAndTheExamplesApply() {
    CliResult firstApply = central.cli().run("apply", "-f", ACME.toString());
    assertThat(central.running().outputTail(400))
        .contains("storage=postgres")
        .contains("schema ready on PostgreSQL");
    assertThat(firstApply.exitCode()).as(firstApply.toString()).isZero();
    assertThat(firstApply.stdoutLines())
        .as(firstApply.toString())
        .hasSize(44)
        .allMatch(l -> l.endsWith("created (version 1)"));
    CliResult get = central.cli().run("get", CART, "-o", "json");
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(Documents.version(Documents.json(get.stdout()))).isEqualTo(1);
  }

  @Test
  @Order(2)
  void historyAndAuditShowAChange() {
    ObjectNode cart =
        Documents.copy(Documents.json(central.cli().run("get", CART, "-o", "json").stdout()));
    ((ObjectNode) cart.path("metadata").path("labels")).put("storage", "postgres");
    CliResult apply =
        central
            .cli()
            .run(
                "apply",
                "-f",
                Documents.writeJson(central.workDir().resolve("cart.json"), cart).toString());
    assertThat(apply.stdoutLines())
        .as(apply.toString())
        .containsExactly("serviceroute " + CART + " updated (version 2)");

    CliResult history = central.cli().run("history", CART, "-o", "json");
    assertThat(history.exitCode()).as(history.toString()).isZero();
    assertThat(Documents.json(history.stdout()).path("entries").findValues("version"))
        .extracting(JsonNode::asLong)
        .containsExactly(2L, 1L);
    CliResult past = central.cli().run("get", CART, "--version", "1", "-o", "json");
    assertThat(Documents.json(past.stdout()).path("metadata").path("labels").has("storage"))
        .as(past.toString())
        .isFalse();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              CliResult audit = central.cli().run("audit", "--resource", CART, "-o", "json");
              assertThat(audit.exitCode()).as(audit.toString()).isZero();
              assertThat(
                      Documents.json(audit.stdout()).path("entries").findValuesAsText("operation"))
                  .as(audit.toString())
                  .containsExactly("UPDATE", "CREATE");
            });
  }

  @Test
  @Order(3)
  void everythingSurvivesAGracefulRestart() {
    SortedMap<String, Long> before = central.rest().versions();
    assertThat(before).hasSize(44);
    central.stopGracefully();
    central.start();
    assertThat(central.rest().versions()).isEqualTo(before);
    assertThat(Documents.versionsViaCli(central.cli())).isEqualTo(before);
    CliResult history = central.cli().run("history", CART, "-o", "json");
    assertThat(Documents.json(history.stdout()).path("entries").findValues("version")).hasSize(2);
  }

  @Test
  @Order(4)
  void everyAcknowledgedChangeIsAuditedOnceAfterAKillDuringABurst() throws Exception {
    int port = central.running().apiPort();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(
            apply(
                http,
                port,
                "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: crash}\n"))
        .isEqualTo("CREATED");
    var burst =
        WriteBurst.start(
            4,
            name ->
                apply(
                        http,
                        port,
                        "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata: {name: "
                            + name
                            + ", organization: crash}\n")
                    .equals("CREATED"));
    await().atMost(Duration.ofSeconds(90)).until(() -> burst.acknowledgedCount() >= 60);
    central.kill();
    Set<String> acknowledged =
        burst.stop().stream()
            .map(n -> "organizations/crash/tenants/" + n + "@1")
            .collect(Collectors.toSet());

    central.start();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              var seen = new HashSet<String>();
              String token = "";
              do {
                JsonNode page =
                    central
                        .rest()
                        .getJson(
                            "/api/v1/audit?resource=organizations/crash&recursive=true"
                                + "&kind=Tenant&outcome=accepted&pageSize=1000&pageToken="
                                + token);
                for (JsonNode e : page.path("entries")) {
                  String key = e.path("fqn").asText() + "@" + e.path("version").asLong();
                  assertThat(seen.add(key)).as("duplicate audit row " + key).isTrue();
                }
                token = page.path("nextPageToken").asText();
              } while (!token.isEmpty());
              assertThat(seen).containsAll(acknowledged);
            });
  }

  /** POST /api/v1/apply of one document; its outcome (CREATED, ...), or an exception. */
  private static String apply(HttpClient http, int port, String yaml) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/apply"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(yaml))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      return "HTTP " + response.statusCode();
    }
    return JSON.readTree(response.body()).path("results").path(0).path("outcome").asText();
  }
}
