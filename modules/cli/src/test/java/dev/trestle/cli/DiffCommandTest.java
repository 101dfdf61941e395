package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldChange;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffCommandTest {
  @TempDir java.nio.file.Path home;
  @FakeServer FakeManagementServer server;
  final String docs =
      InputFilesTest.ORG.formatted("acme")
          + "---\n"
          + InputFilesTest.TENANT.formatted("payments")
          + "---\n"
          + InputFilesTest.TENANT.formatted("hr");

  private CliRun diff() {
    return CliRun.run(home, Map.of(), docs, "--server", server.address(), "diff", "-f", "-");
  }

  private static ApplyResult.Builder result(int index, String fqn, ApplyOutcome outcome) {
    return ApplyResult.newBuilder()
        .setIndex(index)
        .setKind("Tenant")
        .setFqn(fqn)
        .setOutcome(outcome);
  }

  @Test
  void noDifferencesExitsZeroSilently() {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .addResults(result(0, "organizations/acme", ApplyOutcome.UNCHANGED))
                .addResults(
                    result(1, "organizations/acme/tenants/payments", ApplyOutcome.UNCHANGED))
                .addResults(result(2, "organizations/acme/tenants/hr", ApplyOutcome.UNCHANGED))
                .build();
    CliRun r = diff();
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEmpty();
    assertThat(server.requests(ApplyRequest.class).get(0).getDryRun()).isTrue();
  }

  @Test
  void differencesArePrintedAndExitOne() {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .addResults(result(0, "organizations/acme", ApplyOutcome.UNCHANGED))
                .addResults(
                    result(1, "organizations/acme/tenants/payments", ApplyOutcome.CREATED)
                        .setVersion(1))
                .addResults(
                    result(2, "organizations/acme/tenants/hr", ApplyOutcome.UPDATED)
                        .addChanges(
                            FieldChange.newBuilder()
                                .setPath("spec.displayName")
                                .setBefore("\"HR\"")
                                .setAfter("\"People\""))
                        .addChanges(
                            FieldChange.newBuilder()
                                .setPath("metadata.labels.env")
                                .setAfter("\"prod\"")))
                .build();
    CliRun r = diff();
    assertThat(r.exitCode).isEqualTo(ExitCodes.DIFF_FOUND);
    assertThat(r.out)
        .isEqualTo(
            "+ organizations/acme/tenants/payments (new)\n"
                + "~ organizations/acme/tenants/hr\n"
                + "    spec.displayName: \"HR\" -> \"People\"\n"
                + "    metadata.labels.env: (none) -> \"prod\"\n");
  }

  @Test
  void aRefusedDocumentIsAnErrorExitTwo() {
    server.onApply =
        r ->
            ApplyResponse.newBuilder()
                .addResults(result(0, "organizations/acme", ApplyOutcome.CREATED))
                .addResults(
                    result(1, "organizations/acme/tenants/payments", ApplyOutcome.FAILED)
                        .setError(
                            ErrorDetail.newBuilder()
                                .setMessage("spec.securityDomain: not a DNS name")))
                .addResults(result(2, "organizations/acme/tenants/hr", ApplyOutcome.UNCHANGED))
                .build();
    CliRun r = diff();
    assertThat(r.exitCode).isEqualTo(ExitCodes.DIFF_ERROR);
    assertThat(r.err)
        .startsWith(
            "error: tenant organizations/acme/tenants/payments FAILED: spec.securityDomain: not a"
                + " DNS name");
  }

  @Test
  void unreadableInputAndUnreachableServerExitTwo() {
    CliRun bad =
        CliRun.run(home, Map.of(), "kind: [", "--server", server.address(), "diff", "-f", "-");
    assertThat(bad.exitCode).isEqualTo(ExitCodes.DIFF_ERROR);
    assertThat(server.requests).isEmpty();

    CliRun down = CliRun.run(home, Map.of(), docs, "--server", "127.0.0.1:1", "diff", "-f", "-");
    assertThat(down.exitCode).isEqualTo(ExitCodes.DIFF_ERROR);
    assertThat(down.err).startsWith("error: cannot reach the trestle server");
  }
}
