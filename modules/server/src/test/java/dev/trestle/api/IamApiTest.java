package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyOutcome;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ApplyResult;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.CheckAccessRequest;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.ListRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Permission;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.Role;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SetRoleRequest;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity and access over the real API in secure mode: authentication, the permission matrix
 * (roles x hierarchy levels x verbs), tenant isolation, escalation attempts, denied attempts in the
 * audit log.
 */
public class IamApiTest {
  private static TestCentral central;
  private static ManagedChannel channel;
  private static String admin;
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String ORG = "organizations/iam";
  private static final String PAY = ORG + "/tenants/payments";
  private static final String RETAIL = ORG + "/tenants/retail";
  private static final String WS = PAY + "/workspaces/checkout";

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    apply(
        admin,
        """
        apiVersion: trestle.dev/v1
        kind: Organization
        metadata: {name: iam}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: payments, organization: iam}
        ---
        apiVersion: trestle.dev/v1
        kind: Tenant
        metadata: {name: retail, organization: iam}
        ---
        apiVersion: trestle.dev/v1
        kind: Workspace
        metadata: {name: checkout, organization: iam, tenant: payments}
        spec: {namespaceSelectors: ["*/checkout"]}
        """);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  public static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo info, Executor executor, MetadataApplier applier) {
        var md = new Metadata();
        md.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        applier.apply(md);
      }
    };
  }

  static ManagementServiceGrpc.ManagementServiceBlockingStub mgmt(String token) {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static IamServiceGrpc.IamServiceBlockingStub iam(String token) {
    return IamServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static List<ApplyResult> apply(String token, String yaml) {
    var docs = ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList();
    return mgmt(token)
        .apply(ApplyRequest.newBuilder().addAllResources(docs).build())
        .getResultsList();
  }

  /** A new principal with a token, bound to {@code role} on {@code target}. */
  static String userWithRole(String name, String role, String target) {
    iam(admin)
        .createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/" + name).build());
    String token =
        iam(admin)
            .issueToken(IssueTokenRequest.newBuilder().setPrincipal("users/" + name).build())
            .getToken();
    if (role != null) {
      var current =
          iam(admin)
              .getAccessBindings(
                  dev.trestle.protocol.v1.GetAccessBindingsRequest.newBuilder()
                      .setTarget(target)
                      .build());
      iam(admin)
          .setAccessBindings(
              SetAccessBindingsRequest.newBuilder()
                  .setTarget(target)
                  .addAllBindings(current.getBindingsList())
                  .addBindings(Binding.newBuilder().setRole(role).addSubjects("users/" + name))
                  .build());
    }
    return token;
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void unauthenticatedCallsAreRefused() throws Exception {
    assertThat(
            code(
                () ->
                    ManagementServiceGrpc.newBlockingStub(channel)
                        .get(GetRequest.newBuilder().setFqn(ORG).build())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> mgmt("trst.bogus").get(GetRequest.newBuilder().setFqn(ORG).build())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    var rest =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + central.apiPort() + "/api/v1/" + ORG))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(rest.statusCode()).isEqualTo(401);
    var restOk =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + central.apiPort() + "/api/v1/" + ORG))
                .header("Authorization", "Bearer " + admin)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(restOk.statusCode()).isEqualTo(200);
    assertThat(iam(admin).whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal())
        .isEqualTo("users/admin");
  }

  @Test
  void permissionMatrixOverRolesLevelsAndVerbs() {
    // role bound at the tenant: what each may do on the tenant (bound level), its workspace (below)
    // and the org (above)
    Map<String, List<Status.Code>> expected =
        Map.of(
            // read tenant, read ws, read org, update ws, create group under ws, delete
            // ws-child-less? (create+delete group)
            "reader",
                List.of(
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            "writer",
                List.of(
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED),
            "creator",
                List.of(
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.OK),
            "editor",
                List.of(
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.OK,
                    Status.Code.OK),
            "admin",
                List.of(
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.OK,
                    Status.Code.OK));
    for (var e : expected.entrySet()) {
      String role = e.getKey();
      String token = userWithRole("m-" + role, role, PAY);
      var actual =
          List.of(
              code(() -> mgmt(token).get(GetRequest.newBuilder().setFqn(PAY).build())),
              code(() -> mgmt(token).get(GetRequest.newBuilder().setFqn(WS).build())),
              code(() -> mgmt(token).get(GetRequest.newBuilder().setFqn(ORG).build())),
              applyCode(
                  token,
                  "apiVersion: trestle.dev/v1\n"
                      + "kind: Workspace\n"
                      + "metadata: {name: checkout, organization: iam, tenant: payments, labels:"
                      + " {by: "
                      + role
                      + "}}\nspec: {namespaceSelectors: [\"*/checkout\"]}\n"),
              applyCode(
                  token,
                  "apiVersion: trestle.dev/v1\nkind: Group\nmetadata: {name: g-"
                      + role
                      + ", organization: iam, tenant: payments, workspace: checkout}\n"
                      + "spec: {type: TRAFFIC}\n"));
      assertThat(actual).as(role).isEqualTo(e.getValue());
    }
    // DELETE: editor may delete what is below its binding, reader may not
    String editor = userWithRole("del-editor", "editor", PAY);
    String reader = userWithRole("del-reader", "reader", PAY);
    String group = WS + "/groups/g-editor";
    assertThat(code(() -> mgmt(reader).delete(DeleteRequest.newBuilder().setFqn(group).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> mgmt(editor).delete(DeleteRequest.newBuilder().setFqn(group).build())))
        .isEqualTo(Status.Code.OK);
  }

  private static Status.Code applyCode(String token, String yaml) {
    var r = apply(token, yaml).get(0);
    if (r.getOutcome() != ApplyOutcome.FAILED) {
      return Status.Code.OK;
    }
    return r.getError().getCode().equals("PERMISSION_DENIED")
        ? Status.Code.PERMISSION_DENIED
        : Status.Code.UNKNOWN;
  }

  @Test
  void tenantAdminCannotReadOrChangeAnotherTenant() {
    String token = userWithRole("pay-admin", "admin", PAY);
    assertThat(code(() -> mgmt(token).get(GetRequest.newBuilder().setFqn(RETAIL).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            code(
                () ->
                    mgmt(token)
                        .get(
                            GetRequest.newBuilder()
                                .setFqn(RETAIL + "/workspaces/nothing-here")
                                .build())))
        .as("missing and forbidden read the same")
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            applyCode(
                token,
                "apiVersion: trestle.dev/v1\n"
                    + "kind: Tenant\n"
                    + "metadata: {name: retail, organization: iam, labels: {x: y}}\n"))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    var listed =
        mgmt(token).list(ListRequest.newBuilder().setParent(ORG).setKind("Tenant").build());
    assertThat(listed.getResourcesList())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("payments");
    assertThat(
            code(
                () ->
                    AuditServiceGrpc.newBlockingStub(channel)
                        .withCallCredentials(bearer(token))
                        .query(
                            AuditQueryRequest.newBuilder()
                                .setResource(RETAIL)
                                .setRecursive(true)
                                .build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            code(
                () ->
                    AuditServiceGrpc.newBlockingStub(channel)
                        .withCallCredentials(bearer(token))
                        .query(
                            AuditQueryRequest.newBuilder()
                                .setResource(PAY)
                                .setRecursive(true)
                                .build())))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void escalationAttemptsAreRefused() {
    String tenantAdmin = userWithRole("esc-admin", "admin", PAY);
    String writer = userWithRole("esc-writer", "writer", PAY);
    // a writer cannot grant itself more
    assertThat(
            code(
                () ->
                    iam(writer)
                        .setAccessBindings(
                            SetAccessBindingsRequest.newBuilder()
                                .setTarget(PAY)
                                .addBindings(
                                    Binding.newBuilder()
                                        .setRole("admin")
                                        .addSubjects("users/esc-writer"))
                                .build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // a tenant admin cannot bind on the organization above it
    assertThat(
            code(
                () ->
                    iam(tenantAdmin)
                        .setAccessBindings(
                            SetAccessBindingsRequest.newBuilder()
                                .setTarget(ORG)
                                .addBindings(
                                    Binding.newBuilder()
                                        .setRole("admin")
                                        .addSubjects("users/esc-admin"))
                                .build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // nor mint tokens or roles (root SET_POLICY)
    assertThat(
            code(
                () ->
                    iam(tenantAdmin)
                        .issueToken(
                            IssueTokenRequest.newBuilder().setPrincipal("users/admin").build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // but may delegate what it holds below its own binding
    assertThat(
            code(
                () ->
                    iam(tenantAdmin)
                        .setAccessBindings(
                            SetAccessBindingsRequest.newBuilder()
                                .setTarget(WS)
                                .addBindings(
                                    Binding.newBuilder()
                                        .setRole("reader")
                                        .addSubjects("users/esc-writer"))
                                .build())))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void customRolesAreScopedToKinds() {
    iam(admin)
        .setRole(
            SetRoleRequest.newBuilder()
                .setRole(
                    Role.newBuilder()
                        .setName("route-editor")
                        .addPermissions(Permission.PERMISSION_READ)
                        .addPermissions(Permission.PERMISSION_WRITE)
                        .addKinds("Workspace"))
                .build());
    String token = userWithRole("routes", "route-editor", PAY);
    var perms =
        iam(token)
            .checkAccess(CheckAccessRequest.newBuilder().setFqn(WS).build())
            .getPermissionsList();
    assertThat(perms)
        .containsExactlyInAnyOrder(Permission.PERMISSION_READ, Permission.PERMISSION_WRITE);
    assertThat(
            iam(token)
                .checkAccess(CheckAccessRequest.newBuilder().setFqn(PAY).build())
                .getPermissionsList())
        .as("not a Workspace")
        .isEmpty();
  }

  @Test
  void creatorBecomesAdminAndRevokedTokensStopWorking() {
    String creator = userWithRole("maker", "creator", PAY);
    apply(
        creator,
        "apiVersion: trestle.dev/v1\n"
            + "kind: Workspace\n"
            + "metadata: {name: made, organization: iam, tenant: payments}\n"
            + "spec: {namespaceSelectors: [\"*/made\"]}\n");
    var perms =
        iam(creator)
            .checkAccess(CheckAccessRequest.newBuilder().setFqn(PAY + "/workspaces/made").build())
            .getPermissionsList();
    assertThat(perms).contains(Permission.PERMISSION_SET_POLICY, Permission.PERMISSION_DELETE);

    var minted =
        iam(admin).issueToken(IssueTokenRequest.newBuilder().setPrincipal("users/maker").build());
    assertThat(code(() -> mgmt(minted.getToken()).get(GetRequest.newBuilder().setFqn(PAY).build())))
        .isEqualTo(Status.Code.OK);
    iam(admin)
        .revokeToken(
            RevokeTokenRequest.newBuilder()
                .setPrincipal("users/maker")
                .setTokenId(minted.getTokenId())
                .build());
    assertThat(code(() -> mgmt(minted.getToken()).get(GetRequest.newBuilder().setFqn(PAY).build())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void deniedAttemptsAreAudited() {
    String reader = userWithRole("nosy", "reader", PAY);
    applyCode(
        reader,
        "apiVersion: trestle.dev/v1\n"
            + "kind: Tenant\n"
            + "metadata: {name: payments, organization: iam, labels: {hacked: yes}}\n");
    assertThat(code(() -> mgmt(reader).delete(DeleteRequest.newBuilder().setFqn(WS).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var rows =
                  AuditServiceGrpc.newBlockingStub(channel)
                      .withCallCredentials(bearer(admin))
                      .query(
                          AuditQueryRequest.newBuilder()
                              .setPrincipal("users/nosy")
                              .setOutcome(AuditOutcome.REFUSED)
                              .build())
                      .getEntriesList();
              assertThat(rows).hasSize(2);
              assertThat(rows)
                  .allSatisfy(r -> assertThat(r.getMessage()).startsWith("PERMISSION_DENIED"));
            });
  }

  /**
   * EgressGateways take the same verbs and inheritance as every kind, and a tenant cannot send
   * through another tenant's gateway it cannot read: the reference is refused as not existing,
   * exactly as for a resource that is really missing (nothing about the other tenant leaks).
   */
  @Test
  void egressGatewaysFollowTenantBoundaries() {
    String retailGateway = RETAIL + "/workspaces/shop/groups/exit/egressgateways/exit";
    String gatewayDocs =
        """
        apiVersion: trestle.dev/v1
        kind: Group
        metadata: {name: exit, organization: iam, tenant: %1$s, workspace: %2$s}
        spec: {type: GATEWAY}
        ---
        apiVersion: trestle.dev/v1
        kind: EgressGateway
        metadata: {name: exit, organization: iam, tenant: %1$s, workspace: %2$s, group: exit}
        spec:
          workloadNamespace: %2$s
          workloadSelector: {istio: egressgateway}
          service: egress
          allow: [{fromWorkspaces: ["%3$s"], hosts: [api.example]}]
        """;
    apply(
        admin,
        """
        apiVersion: trestle.dev/v1
        kind: Workspace
        metadata: {name: shop, organization: iam, tenant: retail}
        spec: {namespaceSelectors: ["*/shop"]}
        """);
    assertThat(apply(admin, gatewayDocs.formatted("retail", "shop", WS)))
        .extracting(ApplyResult::getOutcome)
        .containsOnly(ApplyOutcome.CREATED);

    String editor = userWithRole("egress-editor", "editor", PAY);
    String sendThrough =
        """
        apiVersion: trestle.dev/v1
        kind: Group
        metadata: {name: out, organization: iam, tenant: payments, workspace: checkout}
        spec:
          type: SECURITY
          egress:
            allowedHosts:
              - {host: api.example, ports: [{number: 443, protocol: TLS}], egressGateway: %s}
        """
            .formatted(retailGateway);
    ApplyResult refused = apply(editor, sendThrough).get(0);
    assertThat(refused.getOutcome()).isEqualTo(ApplyOutcome.FAILED);
    assertThat(refused.getError().getFieldViolations(0).getField())
        .isEqualTo("spec.egress.allowedHosts[0].egressGateway");
    assertThat(refused.getError().getFieldViolations(0).getDescription())
        .contains("does not exist");
    assertThat(applyCode(editor, gatewayDocs.formatted("retail", "shop", WS).split("---")[1]))
        .as("no gateway in another tenant")
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    // In its own tenant the editor creates gateways like any other kind.
    assertThat(apply(editor, gatewayDocs.formatted("payments", "checkout", WS)))
        .extracting(ApplyResult::getOutcome)
        .containsOnly(ApplyOutcome.CREATED);
    String reader = userWithRole("egress-reader", "reader", PAY);
    String ownGateway = WS + "/groups/exit/egressgateways/exit";
    assertThat(code(() -> mgmt(reader).get(GetRequest.newBuilder().setFqn(ownGateway).build())))
        .isEqualTo(Status.Code.OK);
    assertThat(
            code(() -> mgmt(reader).delete(DeleteRequest.newBuilder().setFqn(ownGateway).build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }
}
