package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResponse;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.ClusterImpact;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.ImpactResponse;
import dev.trestle.protocol.v1.ObjectChangeType;
import dev.trestle.protocol.v1.ObjectImpact;
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

  @Test
  void impactPrintsEachClustersObjectChangesFromThePreviewCall() {
    server.onPreviewImpact =
        r ->
            ImpactResponse.newBuilder()
                .addResults(result(0, "organizations/acme", ApplyOutcome.UNCHANGED))
                .addResults(
                    result(1, "organizations/acme/tenants/payments", ApplyOutcome.UNCHANGED))
                .addResults(
                    result(2, "organizations/acme/tenants/hr", ApplyOutcome.UPDATED)
                        .addChanges(
                            FieldChange.newBuilder()
                                .setPath("spec.displayName")
                                .setBefore("\"HR\"")
                                .setAfter("\"People\"")))
                .addClusters(
                    ClusterImpact.newBuilder()
                        .setCluster("organizations/acme/clusters/east")
                        .setCurrentVersion(4)
                        .addObjects(
                            object("VirtualService", "checkout", ObjectChangeType.OBJECT_CHANGED)
                                .addChanges(
                                    FieldChange.newBuilder()
                                        .setPath("spec.http[0].route[0].weight")
                                        .setBefore("90")
                                        .setAfter("50")))
                        .addObjects(
                            object("DestinationRule", "checkout", ObjectChangeType.OBJECT_CREATED)
                                .setAfterJson("{\"kind\":\"DestinationRule\"}"))
                        .addObjects(object("Sidecar", "default", ObjectChangeType.OBJECT_DELETED))
                        .addDiagnostics("organizations/acme/tenants/hr: a warning"))
                .setClustersHidden(1)
                .build();
    CliRun r =
        CliRun.run(
            home, Map.of(), docs, "--server", server.address(), "diff", "--impact", "-f", "-");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.DIFF_FOUND);
    assertThat(r.out)
        .isEqualTo(
            "~ organizations/acme/tenants/hr\n"
                + "    spec.displayName: \"HR\" -> \"People\"\n"
                + "cluster organizations/acme/clusters/east (desired version 4):\n"
                + "  ~ VirtualService payments/checkout (networking.istio.io/v1)\n"
                + "        spec.http[0].route[0].weight: 90 -> 50\n"
                + "  + DestinationRule payments/checkout (networking.istio.io/v1)\n"
                + "      {\"kind\":\"DestinationRule\"}\n"
                + "  - Sidecar payments/default (networking.istio.io/v1)\n"
                + "  ! organizations/acme/tenants/hr: a warning\n"
                + "1 more cluster(s) would change that you may not read\n");
    ApplyRequest sent = server.requests(ApplyRequest.class).get(0);
    assertThat(sent.getDryRun()).isTrue();
    assertThat(sent.getResourcesCount()).isEqualTo(3);
  }

  @Test
  void impactWithNoClusterChangeAndNoResourceChangeExitsZero() {
    server.onPreviewImpact =
        r ->
            ImpactResponse.newBuilder()
                .addResults(result(0, "organizations/acme", ApplyOutcome.UNCHANGED))
                .setClustersExamined(3)
                .build();
    CliRun r =
        CliRun.run(
            home, Map.of(), docs, "--server", server.address(), "diff", "--impact", "-f", "-");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEmpty();
  }

  private static ObjectImpact.Builder object(String kind, String name, ObjectChangeType change) {
    return ObjectImpact.newBuilder()
        .setApiVersion("networking.istio.io/v1")
        .setKind(kind)
        .setNamespace("payments")
        .setName(name)
        .setChange(change);
  }
}
