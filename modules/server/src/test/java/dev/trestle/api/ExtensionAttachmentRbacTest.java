package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wasm extension attachments under IAM (issue 19 point 6): a tenant writer may attach a catalog
 * entry that allows its tenant without any grant on the catalog, cannot attach one that allows only
 * another tenant (answered exactly as a missing one, so the catalog cannot be probed), and cannot
 * write the catalog itself; an organization admin attaching an entry the tenant is not allowed is
 * told why.
 */
class ExtensionAttachmentRbacTest {
  private static final String ORG = "organizations/wx";
  private static final String CHECKOUT = ORG + "/tenants/payments/workspaces/checkout";
  private static TestCentral central;
  private static ManagedChannel channel;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure("");
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    var results =
        apply(
            admin,
            false,
            """
            apiVersion: trestle.dev/v1
            kind: Organization
            metadata: {name: wx}
            ---
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: payments, organization: wx}
            ---
            apiVersion: trestle.dev/v1
            kind: Tenant
            metadata: {name: retail, organization: wx}
            ---
            apiVersion: trestle.dev/v1
            kind: Workspace
            metadata: {name: checkout, organization: wx, tenant: payments}
            spec: {namespaceSelectors: ["*/checkout"]}
            ---
            apiVersion: trestle.dev/v1
            kind: Group
            metadata: {name: sec, organization: wx, tenant: payments, workspace: checkout}
            spec: {type: SECURITY}
            """
                + extension("mine", "payments")
                + extension("theirs", "retail"));
    assertThat(results)
        .allSatisfy(
            r -> assertThat(r.getOutcome()).as(r.toString()).isEqualTo(ApplyOutcome.CREATED));
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  private static String extension(String name, String tenant) {
    return """
    ---
    apiVersion: trestle.dev/v1
    kind: WasmExtension
    metadata: {name: %s, organization: wx}
    spec:
      url: oci://registry.example/wasm/%s:1
      sha256: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      allowedTenants: [%s]
    """
        .formatted(name, name, tenant);
  }

  private static String attaching(String extension) {
    return """
    apiVersion: trestle.dev/v1
    kind: SecuritySetting
    metadata: {name: probe, organization: wx, tenant: payments, workspace: checkout, group: sec}
    spec:
      extensions: [{extension: "%s/wasmextensions/%s"}]
    """
        .formatted(ORG, extension);
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub mgmt(String token) {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static List<ApplyResult> apply(String token, boolean dryRun, String yaml) {
    var docs = ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList();
    return mgmt(token)
        .apply(ApplyRequest.newBuilder().addAllResources(docs).setDryRun(dryRun).build())
        .getResultsList();
  }

  private static String writerOfCheckout() {
    var iam =
        IamServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(IamApiTest.bearer(admin))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    iam.createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/writer").build());
    String token =
        iam.issueToken(IssueTokenRequest.newBuilder().setPrincipal("users/writer").build())
            .getToken();
    iam.setAccessBindings(
        SetAccessBindingsRequest.newBuilder()
            .setTarget(CHECKOUT)
            .addBindings(Binding.newBuilder().setRole("editor").addSubjects("users/writer"))
            .build());
    return token;
  }

  @Test
  void aTenantWriterAttachesOnlyExtensionsAllowingItsTenant() {
    String writer = writerOfCheckout();
    for (boolean dryRun : List.of(true, false)) {
      var theirs = apply(writer, dryRun, attaching("theirs")).get(0);
      var ghost = apply(writer, dryRun, attaching("ghost")).get(0);
      assertThat(theirs.getOutcome()).as(theirs.toString()).isEqualTo(ApplyOutcome.FAILED);
      assertThat(theirs.getError().getMessage()).contains("does not exist");
      assertThat(theirs.toString().replace("theirs", "ghost"))
          .as("another tenant's extension answers as a missing one (dry run %s)", dryRun)
          .isEqualTo(ghost.toString());
    }
    var mine = apply(writer, false, attaching("mine")).get(0);
    assertThat(mine.getOutcome()).as(mine.toString()).isEqualTo(ApplyOutcome.CREATED);

    var catalog = apply(writer, true, extension("forged", "payments")).get(0);
    assertThat(catalog.getOutcome()).isEqualTo(ApplyOutcome.FAILED);
    assertThat(catalog.getError().getCode()).isEqualTo("PERMISSION_DENIED");
  }

  @Test
  void anAdminAttachingAnExtensionTheTenantMayNotUseIsToldWhy() {
    var result = apply(admin, true, attaching("theirs")).get(0);
    assertThat(result.getOutcome()).isEqualTo(ApplyOutcome.FAILED);
    assertThat(result.getError().getFieldViolationsList())
        .anySatisfy(
            v -> {
              assertThat(v.getField()).isEqualTo("spec.extensions[0].extension");
              assertThat(v.getDescription()).contains("does not allow tenant 'payments'");
            });
  }
}
