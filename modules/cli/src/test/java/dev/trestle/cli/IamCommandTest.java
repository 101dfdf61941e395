package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.AccessBindings;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.CheckAccessRequest;
import dev.trestle.protocol.v1.CheckAccessResponse;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.IssueTokenResponse;
import dev.trestle.protocol.v1.Permission;
import dev.trestle.protocol.v1.Principal;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.Role;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.SetRoleRequest;
import dev.trestle.protocol.v1.TokenInfo;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IamCommandTest {
  static final String TENANT = "organizations/acme/tenants/payments";

  @TempDir Path home;
  @FakeServer FakeManagementServer server;

  private CliRun run(String... args) {
    return CliRun.against(home, server, args);
  }

  private static AccessBindings bindings(long version, Binding... bindings) {
    return AccessBindings.newBuilder()
        .setTarget(TENANT)
        .setVersion(version)
        .addAllBindings(List.of(bindings))
        .build();
  }

  private static Binding binding(String role, String... subjects) {
    return Binding.newBuilder().setRole(role).addAllSubjects(List.of(subjects)).build();
  }

  // --- principals -----------------------------------------------------------------------------

  @Test
  void createUserAndServiceAccountMapToCreatePrincipal() {
    CliRun user = run("iam", "create-user", "alice", "--display-name", "Alice A.");
    CliRun sa = run("iam", "create-sa", "serviceaccounts/ci");
    assertThat(user.exitCode).as(user.toString()).isZero();
    assertThat(user.out).isEqualTo("created users/alice\n");
    assertThat(sa.out).isEqualTo("created serviceaccounts/ci\n");
    assertThat(server.requests(CreatePrincipalRequest.class))
        .containsExactly(
            CreatePrincipalRequest.newBuilder()
                .setName("users/alice")
                .setDisplayName("Alice A.")
                .build(),
            CreatePrincipalRequest.newBuilder().setName("serviceaccounts/ci").build());
  }

  @Test
  void createUserRefusesAnInvalidNameLocally() {
    CliRun r = run("iam", "create-user", "Alice_1");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).startsWith("error: 'Alice_1' is not a DNS-1123 label");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void createUserThatExistsFailsWithTheServersReason() {
    server.onCreatePrincipal =
        q -> {
          throw FakeManagementServer.failure(
              Status.ALREADY_EXISTS,
              FakeManagementServer.detail(
                  "CONFLICT", q.getName(), q.getName() + " already exists"));
        };
    CliRun r = run("iam", "create-user", "alice");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).isEqualTo("error: users/alice already exists\n");
  }

  @Test
  void principalShowsItsTokensButNoSecrets() {
    server.onGetPrincipal =
        q ->
            Principal.newBuilder()
                .setName(q.getName())
                .setDisplayName("Alice")
                .setVersion(4)
                .setCreatedBy("users/admin")
                .setCreateTime(
                    Timestamp.newBuilder().setSeconds(CliRun.NOW.getEpochSecond() - 3600))
                .addTokens(
                    TokenInfo.newBuilder()
                        .setId("0a1b2c3d4e5f")
                        .setIssuedBy("users/admin")
                        .setIssueTime(
                            Timestamp.newBuilder().setSeconds(CliRun.NOW.getEpochSecond() - 60))
                        .setDescription("laptop")
                        .setExpireTime(
                            Timestamp.newBuilder().setSeconds(CliRun.NOW.getEpochSecond() + 86400))
                        .setLastUseTime(
                            Timestamp.newBuilder().setSeconds(CliRun.NOW.getEpochSecond() - 30)))
                .addTokens(TokenInfo.newBuilder().setId("ffffffffffff").setRevoked(true))
                .addTokens(
                    TokenInfo.newBuilder()
                        .setId("aaaaaaaaaaaa")
                        .setExpireTime(
                            Timestamp.newBuilder().setSeconds(CliRun.NOW.getEpochSecond() - 3600)))
                .build();
    CliRun r = run("iam", "principal", "users/alice");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "name:          users/alice\n"
                + "display name:  Alice\n"
                + "created:       2030-01-01T11:00:00Z by users/admin\n"
                + "version:       4\n"
                + "tokens:\n"
                + "  ID             ISSUED                 ISSUED BY     EXPIRES "
                + "               LAST USED              STATE     DESCRIPTION\n"
                + "  0a1b2c3d4e5f   2030-01-01T11:59:00Z   users/admin   2030-01-"
                + "02T12:00:00Z   2030-01-01T11:59:30Z   active    laptop\n"
                + "  ffffffffffff   -                      -             never   "
                + "               -                      revoked   -\n"
                + "  aaaaaaaaaaaa   -                      -             2030-01-"
                + "01T11:00:00Z   -                      expired   -\n");
  }

  @Test
  void principalNeedsTheFullName() {
    CliRun r = run("iam", "principal", "alice");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .startsWith(
            "error: PRINCIPAL: 'alice' is not a principal; write users/NAME or"
                + " serviceaccounts/NAME (users/alice?)");
  }

  // --- tokens ---------------------------------------------------------------------------------

  @Test
  void issueTokenPrintsOnlyTheTokenOnStdout() {
    CliRun r = run("iam", "issue-token", "users/alice", "--description", "laptop");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo(FakeManagementServer.ISSUED_TOKEN + "\n");
    assertThat(r.err)
        .isEqualTo(
            "issued token 0a1b2c3d4e5f for users/alice; it is shown only now: store it safely\n");
    assertThat(server.requests(IssueTokenRequest.class))
        .containsExactly(
            IssueTokenRequest.newBuilder()
                .setPrincipal("users/alice")
                .setDescription("laptop")
                .build());
  }

  @Test
  void createTokenWithTtlSendsItAndSaysWhenItExpires() {
    server.onIssueToken =
        q ->
            IssueTokenResponse.newBuilder()
                .setTokenId("0a1b2c3d4e5f")
                .setToken(FakeManagementServer.ISSUED_TOKEN)
                .setExpireTime(
                    Timestamp.newBuilder().setSeconds(CliRun.NOW.getEpochSecond() + 86400))
                .build();
    CliRun r = run("iam", "create-token", "users/alice", "--ttl", "24h");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo(FakeManagementServer.ISSUED_TOKEN + "\n");
    assertThat(r.err)
        .isEqualTo(
            "issued token 0a1b2c3d4e5f for users/alice (expires at 2030-01-02T12:00:00Z); it is"
                + " shown only now: store it safely\n");
    assertThat(server.requests(IssueTokenRequest.class))
        .containsExactly(
            IssueTokenRequest.newBuilder()
                .setPrincipal("users/alice")
                .setTtl(Duration.newBuilder().setSeconds(86400))
                .build());
  }

  @Test
  void createTokenRefusesANonsenseTtl() {
    CliRun r = run("iam", "create-token", "users/alice", "--ttl", "tomorrow");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).contains("'tomorrow' is not a duration");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void issueTokenToAFileWritesItPrivatelyAndDoesNotPrintIt() throws Exception {
    Path out = home.resolve("alice.token");
    CliRun r = run("iam", "issue-token", "users/alice", "--out-file", out.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo("issued token 0a1b2c3d4e5f for users/alice into " + out + " (mode 0600)\n");
    assertThat(r.out + r.err).doesNotContain(FakeManagementServer.ISSUED_TOKEN);
    assertThat(Files.readString(out)).isEqualTo(FakeManagementServer.ISSUED_TOKEN + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-------");
  }

  @Test
  void issueTokenNeverOverwritesAFileAndThenIssuesNothing() throws Exception {
    Path out = home.resolve("alice.token");
    Files.writeString(out, "keep me\n");
    CliRun r = run("iam", "issue-token", "users/alice", "--out-file", out.toString());
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo("error: " + out + " already exists; nothing was issued (choose a new file)\n");
    assertThat(Files.readString(out)).isEqualTo("keep me\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void refusedIssueLeavesNoEmptyFileBehind() {
    server.onIssueToken =
        q -> {
          throw FakeManagementServer.failure(
              Status.PERMISSION_DENIED,
              FakeManagementServer.detail(
                  "PERMISSION_DENIED",
                  "",
                  "permission denied: users/bob may not SET_POLICY at the root"));
        };
    Path out = home.resolve("alice.token");
    CliRun r = run("iam", "issue-token", "users/alice", "--out-file", out.toString());
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo("error: permission denied: users/bob may not SET_POLICY at the root\n");
    assertThat(out).doesNotExist();
  }

  @Test
  void revokeTokenMapsPrincipalAndId() {
    CliRun r = run("iam", "revoke-token", "serviceaccounts/ci", "0a1b2c3d4e5f");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo("revoked token 0a1b2c3d4e5f of serviceaccounts/ci\n");
    assertThat(server.requests(RevokeTokenRequest.class))
        .containsExactly(
            RevokeTokenRequest.newBuilder()
                .setPrincipal("serviceaccounts/ci")
                .setTokenId("0a1b2c3d4e5f")
                .build());
  }

  @Test
  void revokeTokenGivenTheTokenItselfRefusesWithoutEchoingIt() {
    CliRun r = run("iam", "revoke-token", "users/alice", FakeManagementServer.ISSUED_TOKEN);
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .startsWith(
            "error: give the token's id (see 'trestle iam principal users/alice'), not the token");
    assertThat(r.out + r.err).doesNotContain("c2VjcmV0");
    assertThat(server.requests).isEmpty();
  }

  // --- bindings -------------------------------------------------------------------------------

  @Test
  void bindingsAreATableOfRolesAndSubjects() {
    server.onGetBindings =
        q ->
            bindings(
                3,
                binding("admin", "users/admin"),
                binding("reader", "users/alice", "serviceaccounts/ci"));
    CliRun r = run("iam", "bindings", TENANT);
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "ROLE     SUBJECTS\n"
                + "admin    users/admin\n"
                + "reader   users/alice, serviceaccounts/ci\n");
    assertThat(server.requests(GetAccessBindingsRequest.class))
        .containsExactly(GetAccessBindingsRequest.newBuilder().setTarget(TENANT).build());
  }

  @Test
  void bindingsAsJsonAndOfTheRoot() {
    server.onGetBindings =
        q -> bindings(3, binding("admin", "users/admin")).toBuilder().setTarget("").build();
    CliRun r = run("iam", "bindings", "/", "-o", "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "{\n"
                + "  \"bindings\" : [ {\n"
                + "    \"role\" : \"admin\",\n"
                + "    \"subjects\" : [ \"users/admin\" ]\n"
                + "  } ],\n"
                + "  \"target\" : \"\",\n"
                + "  \"updatedBy\" : \"\",\n"
                + "  \"version\" : 3\n"
                + "}\n");
    assertThat(server.requests(GetAccessBindingsRequest.class).get(0).getTarget()).isEmpty();
  }

  @Test
  void noBindingsIsANoteOnStderr() {
    CliRun r = run("iam", "bindings", TENANT);
    assertThat(r.exitCode).isZero();
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("No access bindings on " + TENANT + ".\n");
  }

  @Test
  void bindAddsToTheRolesBindingWithTheVersionAsPrecondition() {
    server.onGetBindings =
        q -> bindings(4, binding("admin", "users/admin"), binding("reader", "users/bob"));
    CliRun r = run("iam", "bind", TENANT, "--role", "reader", "--subject", "users/alice");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo("bound users/alice to role reader on " + TENANT + " (bindings version 5)\n");
    assertThat(server.requests(SetAccessBindingsRequest.class))
        .containsExactly(
            SetAccessBindingsRequest.newBuilder()
                .setTarget(TENANT)
                .addBindings(binding("admin", "users/admin"))
                .addBindings(binding("reader", "users/bob", "users/alice"))
                .setVersion(4)
                .build());
  }

  @Test
  void bindANewRoleAppendsABinding() {
    CliRun r =
        run(
            "iam",
            "bind",
            TENANT,
            "--role",
            "editor",
            "--subject",
            "users/alice,serviceaccounts/ci");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(SetAccessBindingsRequest.class).get(0).getBindingsList())
        .containsExactly(binding("editor", "users/alice", "serviceaccounts/ci"));
    assertThat(server.requests(SetAccessBindingsRequest.class).get(0).getVersion()).isZero();
  }

  @Test
  void bindWhatIsAlreadyBoundChangesNothing() {
    server.onGetBindings = q -> bindings(4, binding("reader", "users/alice"));
    CliRun r = run("iam", "bind", TENANT, "--role", "reader", "--subject", "users/alice");
    assertThat(r.exitCode).isZero();
    assertThat(r.out)
        .isEqualTo("users/alice already has role reader on " + TENANT + "; nothing changed\n");
    assertThat(server.requests(SetAccessBindingsRequest.class)).isEmpty();
  }

  @Test
  void bindRereadsAndRetriesWhenTheBindingsChangedMeanwhile() {
    var reads = new AtomicInteger();
    server.onGetBindings =
        q ->
            reads.incrementAndGet() == 1
                ? bindings(4, binding("reader", "users/bob"))
                : bindings(5, binding("reader", "users/bob", "users/carol"));
    var writes = new AtomicInteger();
    server.onSetBindings =
        q -> {
          if (writes.incrementAndGet() == 1) {
            throw FakeManagementServer.failure(
                Status.ABORTED,
                FakeManagementServer.detail(
                    "CONFLICT", TENANT, "bindings version 4 is stale: the current version is 5"));
          }
          return bindings(6, q.getBindingsList().toArray(Binding[]::new));
        };
    CliRun r = run("iam", "bind", TENANT, "--role", "reader", "--subject", "users/alice");
    assertThat(r.exitCode).as(r.toString()).isZero();
    List<SetAccessBindingsRequest> sets = server.requests(SetAccessBindingsRequest.class);
    assertThat(sets).hasSize(2);
    assertThat(sets.get(1).getVersion()).isEqualTo(5);
    assertThat(sets.get(1).getBindingsList())
        .containsExactly(binding("reader", "users/bob", "users/carol", "users/alice"));
  }

  @Test
  void bindRefusedForEscalationIsOneLine() {
    server.onSetBindings =
        q -> {
          throw FakeManagementServer.failure(
              Status.PERMISSION_DENIED,
              FakeManagementServer.detail(
                  "PERMISSION_DENIED",
                  TENANT,
                  "permission denied: role 'admin' grants [SET_POLICY], which users/bob does not"
                      + " hold on "
                      + TENANT));
        };
    CliRun r = run("iam", "bind", TENANT, "--role", "admin", "--subject", "users/bob");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: permission denied: role 'admin' grants [SET_POLICY], which users/bob does not"
                + " hold on "
                + TENANT
                + "\n");
  }

  @Test
  void bindChecksSubjectsLocally() {
    CliRun r = run("iam", "bind", TENANT, "--role", "reader", "--subject", "alice");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).startsWith("error: --subject: 'alice' is not a principal");
    CliRun noRole = run("iam", "bind", TENANT, "--subject", "users/alice");
    assertThat(noRole.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(noRole.err).contains("--role");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void unbindRemovesTheSubjectAndDropsAnEmptyBinding() {
    server.onGetBindings =
        q -> bindings(7, binding("admin", "users/admin"), binding("reader", "users/alice"));
    CliRun r = run("iam", "unbind", TENANT, "--role", "reader", "--subject", "users/alice");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo("unbound users/alice from role reader on " + TENANT + " (bindings version 8)\n");
    assertThat(server.requests(SetAccessBindingsRequest.class))
        .containsExactly(
            SetAccessBindingsRequest.newBuilder()
                .setTarget(TENANT)
                .addBindings(binding("admin", "users/admin"))
                .setVersion(7)
                .build());
  }

  @Test
  void unbindWhatIsNotBoundFailsUnlessIgnored() {
    server.onGetBindings = q -> bindings(7, binding("reader", "users/bob"));
    CliRun r = run("iam", "unbind", TENANT, "--role", "reader", "--subject", "users/alice");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: users/alice does not have role reader on "
                + TENANT
                + "; nothing changed (a binding inherited from an ancestor must be removed"
                + " there)\n");
    CliRun ignored =
        run(
            "iam",
            "unbind",
            TENANT,
            "--role",
            "reader",
            "--subject",
            "users/alice",
            "--ignore-not-found");
    assertThat(ignored.exitCode).isZero();
    assertThat(server.requests(SetAccessBindingsRequest.class)).isEmpty();
  }

  // --- roles ----------------------------------------------------------------------------------

  @Test
  void setRoleMapsPermissionsAndKinds() {
    CliRun r =
        run(
            "iam",
            "set-role",
            "route-editor",
            "--permission",
            "read,WRITE",
            "--permission",
            "set-policy",
            "--kind",
            "ServiceRoute,ts");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(SetRoleRequest.class))
        .containsExactly(
            SetRoleRequest.newBuilder()
                .setRole(
                    Role.newBuilder()
                        .setName("route-editor")
                        .addPermissions(Permission.PERMISSION_READ)
                        .addPermissions(Permission.PERMISSION_WRITE)
                        .addPermissions(Permission.PERMISSION_SET_POLICY)
                        .addKinds("ServiceRoute")
                        .addKinds("ts"))
                .build());
    assertThat(r.out)
        .isEqualTo(
            "role route-editor set (version 1): READ, WRITE, SET_POLICY on ServiceRoute, ts\n");
  }

  @Test
  void setRoleWithAnUnknownPermissionIsAUsageError() {
    CliRun r = run("iam", "set-role", "x", "--permission", "read,admin");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .startsWith(
            "error: --permission: unknown permission 'admin'; one of read, write, create, delete,"
                + " set-policy");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void roleShowsBuiltInAndCustomRoles() {
    server.onGetRole =
        q ->
            q.getName().equals("reader")
                ? Role.newBuilder()
                    .setName("reader")
                    .addPermissions(Permission.PERMISSION_READ)
                    .setBuiltIn(true)
                    .build()
                : Role.newBuilder()
                    .setName(q.getName())
                    .addPermissions(Permission.PERMISSION_WRITE)
                    .addPermissions(Permission.PERMISSION_READ)
                    .addKinds("ServiceRoute")
                    .setVersion(2)
                    .build();
    assertThat(run("iam", "role", "reader").out)
        .isEqualTo(
            "NAME     PERMISSIONS   KINDS   VERSION\nreader   READ          (all)   built-in\n");
    assertThat(run("iam", "role", "route-editor").out)
        .isEqualTo(
            "NAME           PERMISSIONS   KINDS          VERSION\n"
                + "route-editor   READ, WRITE   ServiceRoute   2\n");
  }

  @Test
  void unknownRoleFails() {
    CliRun r = run("iam", "role", "nope");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).isEqualTo("error: role nope does not exist\n");
  }

  // --- can-i and the group itself ---------------------------------------------------------------

  @Test
  void canIPrintsThePermissionsForMeOrAnother() {
    server.onCheckAccess =
        q ->
            CheckAccessResponse.newBuilder()
                .setFqn(q.getFqn())
                .setPrincipal(q.getPrincipal().isEmpty() ? "users/admin" : q.getPrincipal())
                .addPermissions(Permission.PERMISSION_WRITE)
                .addPermissions(Permission.PERMISSION_READ)
                .build();
    CliRun me = run("can-i", TENANT);
    CliRun alice = run("can-i", "/" + TENANT + "/", "--as", "users/alice");
    assertThat(me.exitCode).as(me.toString()).isZero();
    assertThat(me.out).isEqualTo("users/admin on " + TENANT + ": READ, WRITE\n");
    assertThat(alice.out).isEqualTo("users/alice on " + TENANT + ": READ, WRITE\n");
    assertThat(server.requests(CheckAccessRequest.class))
        .containsExactly(
            CheckAccessRequest.newBuilder().setFqn(TENANT).build(),
            CheckAccessRequest.newBuilder().setFqn(TENANT).setPrincipal("users/alice").build());
  }

  @Test
  void canIWithNoPermissionsStillSucceedsAndTheRootIsSlash() {
    CliRun r = run("can-i", "/");
    assertThat(r.exitCode).isZero();
    assertThat(r.out).isEqualTo("users/admin on the root: no permissions\n");
    assertThat(server.requests(CheckAccessRequest.class).get(0).getFqn()).isEmpty();
  }

  @Test
  void canIRefusesAMalformedFqnLocally() {
    CliRun r = run("can-i", "organizations");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(server.requests).isEmpty();
  }

  @Test
  void iamWithoutVerbIsAUsageErrorListingTheVerbs() {
    CliRun r = run("iam");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .startsWith("error: missing iam verb")
        .contains("create-user")
        .contains("issue-token")
        .contains("bind")
        .contains("set-role");
  }

  @Test
  void connectionOptionsWorkOnTheIamGroupToo() {
    CliRun r = CliRun.run(home, "iam", "--server", server.address(), "create-user", "alice");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests).hasSize(1);
  }
}
