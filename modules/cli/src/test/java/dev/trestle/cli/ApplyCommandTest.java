package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.ErrorDetail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyCommandTest {
  @TempDir Path home;
  @TempDir Path dir;
  @FakeServer FakeManagementServer server;

  private Path files() throws Exception {
    Files.writeString(dir.resolve("00-org.yaml"), InputFilesTest.ORG.formatted("acme"));
    Files.writeString(
        dir.resolve("10-tenants.yaml"),
        InputFilesTest.TENANT.formatted("payments")
            + "---\n"
            + InputFilesTest.TENANT.formatted("hr"));
    return dir;
  }

  private static ApplyResult result(
      int index, String kind, String fqn, ApplyOutcome outcome, long version) {
    return ApplyResult.newBuilder()
        .setIndex(index)
        .setKind(kind)
        .setFqn(fqn)
        .setOutcome(outcome)
        .setVersion(version)
        .build();
  }

  @Test
  void sendsEveryDocumentInOneRequestAndPrintsOneLinePerDocumentInInputOrder() throws Exception {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                // the server answers in its own (parents-first) order
                .addResults(
                    result(2, "Tenant", "organizations/acme/tenants/hr", ApplyOutcome.UPDATED, 3))
                .addResults(
                    result(0, "Organization", "organizations/acme", ApplyOutcome.UNCHANGED, 2))
                .addResults(
                    result(
                        1,
                        "Tenant",
                        "organizations/acme/tenants/payments",
                        ApplyOutcome.CREATED,
                        1))
                .build();

    CliRun r = CliRun.run(home, "--server", server.address(), "apply", "-f", files().toString());

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "organization organizations/acme unchanged\n"
                + "tenant organizations/acme/tenants/payments created (version 1)\n"
                + "tenant organizations/acme/tenants/hr updated (version 3)\n");
    assertThat(r.err).isEmpty();
    ApplyRequest sent = server.requests(ApplyRequest.class).get(0);
    assertThat(sent.getResourcesList())
        .extracting(res -> res.getMetadata().getName())
        .containsExactly("acme", "payments", "hr");
    assertThat(sent.getDryRun()).isFalse();
    assertThat(sent.getStopOnError()).isFalse();
  }

  @Test
  void aMalformedDocumentStopsEverythingBeforeTheServerIsCalled() throws Exception {
    files();
    Path bad =
        Files.writeString(
            dir.resolve("20-bad.yaml"),
            InputFilesTest.ORG.formatted("x") + "spec:\n  displayNme: X\n");

    CliRun r = CliRun.run(home, "--server", server.address(), "apply", "-f", dir.toString());

    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: "
                + bad
                + ": document 1 (line 1): spec.displayNme: unknown field; known fields are:"
                + " displayName\n");
    assertThat(r.out).isEmpty();
    assertThat(server.requests).isEmpty();
  }

  @Test
  void failedDocumentsAreReportedAndTheExitCodeIsOne() throws Exception {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .addResults(
                    result(0, "Organization", "organizations/acme", ApplyOutcome.CREATED, 1))
                .addResults(
                    result(
                            1,
                            "Tenant",
                            "organizations/acme/tenants/payments",
                            ApplyOutcome.FAILED,
                            0)
                        .toBuilder()
                        .setError(
                            ErrorDetail.newBuilder()
                                .setCode("CONFLICT")
                                .setFqn("organizations/acme/tenants/payments")
                                .setMessage(
                                    "organizations/acme/tenants/payments: version 2 is stale")
                                .setCurrentVersion(5)))
                .addResults(
                    result(2, "Tenant", "organizations/acme/tenants/hr", ApplyOutcome.SKIPPED, 0))
                .build();

    CliRun r =
        CliRun.run(
            home,
            "--server",
            server.address(),
            "apply",
            "--stop-on-error",
            "-f",
            files().toString());

    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out.lines())
        .containsExactly(
            "organization organizations/acme created (version 1)",
            "tenant organizations/acme/tenants/payments FAILED: version 2 is stale; current version"
                + " is 5 (at "
                + dir.resolve("10-tenants.yaml")
                + ": document 1 (line 1))",
            "tenant organizations/acme/tenants/hr SKIPPED: not attempted because an earlier"
                + " document failed (at "
                + dir.resolve("10-tenants.yaml")
                + ": document 2 (line 7))");
    assertThat(r.err).isEqualTo("error: 1 of 3 documents failed, 1 skipped\n");
    assertThat(server.requests(ApplyRequest.class).get(0).getStopOnError()).isTrue();
  }

  @Test
  void dryRunIsSentAndShown() throws Exception {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .addResults(
                    result(0, "Organization", "organizations/acme", ApplyOutcome.CREATED, 1))
                .build();
    CliRun r =
        CliRun.run(
            home,
            Map.of(),
            InputFilesTest.ORG.formatted("acme"),
            "--server",
            server.address(),
            "apply",
            "--dry-run",
            "-f",
            "-");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo("organization organizations/acme created (version 1, dry run)\n");
    assertThat(server.requests(ApplyRequest.class).get(0).getDryRun()).isTrue();
  }

  @Test
  void jsonOutputIsTheWholeResponseWithStableKeys() throws Exception {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .setRequestId("req-1")
                .addResults(
                    result(0, "Organization", "organizations/acme", ApplyOutcome.CREATED, 1))
                .build();
    CliRun r =
        CliRun.run(
            home,
            Map.of(),
            InputFilesTest.ORG.formatted("acme"),
            "--server",
            server.address(),
            "apply",
            "-f",
            "-",
            "-o",
            "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode json = CanonicalJson.parse(r.out);
    assertThat(json.path("requestId").asText()).isEqualTo("req-1");
    JsonNode first = json.path("results").get(0);
    assertThat(first.path("index").isInt()).isTrue();
    assertThat(first.path("outcome").asText()).isEqualTo("CREATED");
    assertThat(first.path("version").isNumber()).isTrue();
    assertThat(first.path("changes").isArray()).isTrue();
  }

  @Test
  void emptyInputIsAnError() {
    CliRun r =
        CliRun.run(home, Map.of(), "# nothing\n", "--server", server.address(), "apply", "-f", "-");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).isEqualTo("error: no documents in -\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void resultsWithoutFqnFallBackToTheDocument() throws Exception {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .addResults(
                    ApplyResult.newBuilder()
                        .setIndex(0)
                        .setOutcome(ApplyOutcome.FAILED)
                        .setError(
                            ErrorDetail.newBuilder()
                                .setMessage("metadata.organization: is required")))
                .build();
    String doc = "apiVersion: trestle.dev/v1\nkind: Tenant\nmetadata:\n  name: t\n";
    CliRun r = CliRun.run(home, Map.of(), doc, "--server", server.address(), "apply", "-f", "-");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out)
        .isEqualTo(
            "tenant (<stdin>: document 1 (line 1)) FAILED: metadata.organization: is required (at"
                + " <stdin>: document 1 (line 1))\n");
  }
}
