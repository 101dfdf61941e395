package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.OidcIdentity;
import dev.trestle.protocol.v1.RevokeTokenRequest;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.protocol.v1.WhoAmIResponse;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginCommandTest {
  static final String TOKEN = AuthenticationTest.TOKEN;

  @TempDir Path home;
  @FakeServer FakeManagementServer server;
  Path tokenFile;
  Path config;

  @BeforeEach
  void start() throws Exception {
    tokenFile = home.resolve("data/admin.token");
    Files.createDirectories(tokenFile.getParent());
    Files.writeString(tokenFile, TOKEN + "\n");
    config = home.resolve(".config/trestle/cli.yaml");
  }

  private CliRun run(String... args) {
    return CliRun.run(home, Map.of(), "", args);
  }

  @Test
  void loginChecksTheTokenAndWritesAPrivateConfig() throws Exception {
    CliRun r = run("login", "--server", server.address(), "--token-file", tokenFile.toString());

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo("logged in to " + server.address() + " as users/admin\n");
    assertThat(r.err).isEqualTo("saved in " + config + " (mode 0600)\n");
    assertThat(server.requests).singleElement().isInstanceOf(WhoAmIRequest.class);
    assertThat(server.authorizations).containsExactly("Bearer " + TOKEN);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())))
        .isEqualTo("rwx------");
    CliConfig saved = CliConfig.load(new CliConfig.Location(config, true));
    assertThat(saved.server()).contains(server.address());
    assertThat(saved.token()).contains(TOKEN);
    assertThat(saved.caFile()).isEmpty();
    assertThat(saved.tls()).isEmpty();
    assertThat(r.out + r.err).doesNotContain("S3CR3T");

    CliRun next = run("get", "orgs");
    assertThat(next.exitCode).as(next.toString()).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN);
  }

  @Test
  void loginWritesUnderHomeFromTheEnvironmentAndLeavesThePasswdHomeAlone() throws Exception {
    Path otherHome = home.resolve("other-home");
    CliRun r =
        CliRun.run(
            home,
            Map.of("HOME", otherHome.toString()),
            "",
            "login",
            "--server",
            server.address(),
            "--token-file",
            tokenFile.toString());

    Path written = otherHome.resolve(".config/trestle/cli.yaml");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.err).isEqualTo("saved in " + written + " (mode 0600)\n");
    assertThat(CliConfig.load(new CliConfig.Location(written, true)).token()).contains(TOKEN);
    assertThat(config).doesNotExist();
  }

  @Test
  void loginKeepsOtherKeysAndReplacesTokenFileAndTls() throws Exception {
    Files.createDirectories(config.getParent());
    Files.writeString(
        config, "organization: acme\ntoken-file: old.token\ntls: true\nserver: 127.0.0.1:1\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

    CliRun r =
        run(
            "login",
            "--server",
            server.address(),
            "--no-tls",
            "--token-file",
            tokenFile.toString());

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(Files.readString(config))
        .isEqualTo(
            "server: \""
                + server.address()
                + "\"\ntoken: \""
                + TOKEN
                + "\"\norganization: \"acme\"\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config)))
        .isEqualTo("rw-------");
  }

  @Test
  void loginUsesTheConfiguredServerWhenNoneIsGiven() throws Exception {
    Files.createDirectories(config.getParent());
    Files.writeString(config, "server: " + server.address() + "\n");
    CliRun r = run("login", "--token-file", tokenFile.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo("logged in to " + server.address() + " as users/admin\n");
  }

  @Test
  void loginReadsTheTokenFromStdin() {
    CliRun r =
        CliRun.run(
            home, Map.of(), TOKEN + "\n", "login", "--server", server.address(), "--token-stdin");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + TOKEN);
  }

  @Test
  void loginWritesAnExplicitConfigThatDoesNotExistYet() throws Exception {
    Path explicit = home.resolve("elsewhere/deep/cli.yaml");
    CliRun r =
        run(
            "--config",
            explicit.toString(),
            "login",
            "--server",
            server.address(),
            "--token-file",
            tokenFile.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(CliConfig.load(new CliConfig.Location(explicit, true)).token()).contains(TOKEN);
  }

  @Test
  void refusedTokenWritesNothing() {
    server.onWhoAmI =
        q -> {
          throw FakeManagementServer.failure(
              Status.UNAUTHENTICATED,
              FakeManagementServer.detail("UNAUTHENTICATED", "", "the bearer token is malformed"));
        };
    CliRun r = run("login", "--server", server.address(), "--token-file", tokenFile.toString());
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: the server at "
                + server.address()
                + " refused the token from --token-file "
                + tokenFile
                + " (the bearer token is malformed); nothing was saved\n");
    assertThat(config).doesNotExist();
  }

  @Test
  void loginNeedsExactlyOneTokenSource() {
    CliRun none = run("login", "--server", server.address());
    assertThat(none.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err).startsWith("error: login needs --token-file FILE or --token-stdin");
    CliRun both =
        run(
            "login",
            "--server",
            server.address(),
            "--token-stdin",
            "--token-file",
            tokenFile.toString());
    assertThat(both.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err).startsWith("error: give either --token-file or --token-stdin, not both");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void loginToAnInsecureDevServerSaysSo() {
    server.onWhoAmI =
        q ->
            WhoAmIResponse.newBuilder()
                .setPrincipal("users/dev")
                .setAuthenticatedBy("insecure-dev")
                .build();
    CliRun r = run("login", "--server", server.address(), "--token-file", tokenFile.toString());
    assertThat(r.exitCode).isZero();
    assertThat(r.out).isEqualTo("logged in to " + server.address() + " as users/dev\n");
    assertThat(r.err).contains("note: the server runs in insecure-dev mode");
  }

  @Test
  void logoutRemovesOnlyTheTokenAndSaysHowToRevokeIt() throws Exception {
    assertThat(
            run("login", "--server", server.address(), "--token-file", tokenFile.toString())
                .exitCode)
        .isZero();

    CliRun r = run("logout");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEqualTo("logged out: removed the token from " + config + "\n");
    assertThat(r.err)
        .isEqualTo(
            "note: the token stays valid until revoked: trestle iam revoke-token users/admin"
                + " a1b2c3d4e5f6\n");
    assertThat(Files.readString(config)).isEqualTo("server: \"" + server.address() + "\"\n");
    assertThat(run("logout").out).isEqualTo("not logged in: " + config + " holds no token\n");
  }

  @Test
  void logoutRevokeRevokesTheSavedTokenWithItself() {
    assertThat(
            run("login", "--server", server.address(), "--token-file", tokenFile.toString())
                .exitCode)
        .isZero();

    CliRun r = run("logout", "--revoke");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(RevokeTokenRequest.class))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.getPrincipal()).isEqualTo("users/admin");
              assertThat(q.getTokenId()).isEqualTo("a1b2c3d4e5f6");
            });
    assertThat(server.authorizations).containsOnly("Bearer " + TOKEN);
    assertThat(r.out).contains("revoked token a1b2c3d4e5f6 of users/admin");
  }

  @Test
  void whoamiShowsPrincipalHowAndWhere() {
    CliRun r = run("whoami", "--server", server.address(), "--token-file", tokenFile.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "principal:      users/admin\n"
                + "authenticated:  token from --token-file "
                + tokenFile
                + "\n"
                + "server:         "
                + server.address()
                + " (plaintext)\n");
  }

  @Test
  void whoamiOnAnInsecureDevServer() {
    server.onWhoAmI =
        q ->
            WhoAmIResponse.newBuilder()
                .setPrincipal("users/dev")
                .setAuthenticatedBy("insecure-dev")
                .build();
    CliRun r = run("whoami", "--server", server.address(), "-o", "json");
    assertThat(r.exitCode).isZero();
    assertThat(r.out)
        .isEqualTo(
            "{\n  \"authenticatedBy\" : \"insecure-dev\",\n  \"principal\" : \"users/dev\"\n}\n");
    CliRun table = run("whoami", "--server", server.address());
    assertThat(table.out).contains("authenticated:  insecure-dev: the server checks no tokens");
  }

  @Test
  void whoamiSaysAnOidcCallerCameThroughItsIssuerWithSubjectAndGroups() {
    server.onWhoAmI =
        q ->
            WhoAmIResponse.newBuilder()
                .setPrincipal("oidc:alice")
                .setAuthenticatedBy("oidc")
                .setOidc(
                    OidcIdentity.newBuilder()
                        .setIssuer("https://login.example")
                        .setSubject("alice")
                        .addGroups("mesh-admins")
                        .addGroups("readers"))
                .build();
    CliRun r = run("whoami", "--server", server.address(), "--token-file", tokenFile.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .contains(
            "authenticated:  oidc (issuer https://login.example, subject alice, groups"
                + " mesh-admins, readers) from --token-file "
                + tokenFile);
    CliRun json = run("whoami", "--server", server.address(), "-o", "json");
    assertThat(json.out)
        .contains("\"issuer\" : \"https://login.example\"")
        .contains("\"subject\" : \"alice\"")
        .contains("\"groups\" : [ \"mesh-admins\", \"readers\" ]");
  }
}
