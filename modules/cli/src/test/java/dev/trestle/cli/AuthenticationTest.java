package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ListResponse;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the token comes from, that it is sent as a bearer token, and that it is never shown. */
class AuthenticationTest {
  static final String TOKEN =
      "trst.dXNlcnMvYWRtaW4.a1b2c3d4e5f6.S3CR3T-s3cr3t-S3CR3T-s3cr3t-S3CR3T";
  static final String OTHER = "trst.dXNlcnMvYm9i.ffeeddccbbaa.0THER-0ther-0THER-0ther-0THER-0ther";

  @TempDir Path home;
  @FakeServer FakeManagementServer server;
  Path tokenFile;

  @BeforeEach
  void start() throws Exception {
    tokenFile = home.resolve("admin.token");
    Files.writeString(tokenFile, TOKEN + "\n");
  }

  private CliRun run(Map<String, String> env, String... args) {
    return CliRun.against(home, server, env, args);
  }

  private Path config(String text) throws Exception {
    Path config = home.resolve(".config/trestle/cli.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, text);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    return config;
  }

  private static void assertNoSecret(CliRun r) {
    assertThat(r.out + r.err)
        .doesNotContain("S3CR3T")
        .doesNotContain("0THER")
        .doesNotContain(TOKEN);
  }

  @Test
  void tokenFileIsSentAsBearerOnEveryCall() {
    CliRun r = run(Map.of(), "get", "orgs", "--token-file", tokenFile.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + TOKEN);
    assertNoSecret(r);
  }

  @Test
  void tokenFileBeforeTheVerbWorksToo() {
    CliRun r =
        CliRun.run(
            home,
            "--token-file",
            tokenFile.toString(),
            "--server",
            server.address(),
            "get",
            "orgs");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + TOKEN);
  }

  @Test
  void environmentTokenWhenNoFileAndTheFileWinsOverIt() {
    CliRun fromEnv = run(Map.of("TRESTLE_TOKEN", OTHER), "get", "orgs");
    assertThat(fromEnv.exitCode).as(fromEnv.toString()).isZero();
    CliRun fromFile =
        run(Map.of("TRESTLE_TOKEN", OTHER), "get", "orgs", "--token-file", tokenFile.toString());
    assertThat(fromFile.exitCode).as(fromFile.toString()).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + OTHER, "Bearer " + TOKEN);
  }

  @Test
  void configTokenWhenNeitherFileNorEnvironmentAndEnvironmentWinsOverIt() throws Exception {
    config("token: " + TOKEN + "\n");
    assertThat(run(Map.of(), "get", "orgs").exitCode).isZero();
    assertThat(run(Map.of("TRESTLE_TOKEN", OTHER), "get", "orgs").exitCode).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + TOKEN, "Bearer " + OTHER);
  }

  @Test
  void configTokenFileIsRelativeToTheConfigDirectory() throws Exception {
    Path config = config("token-file: tokens/mine\n");
    Files.createDirectories(config.getParent().resolve("tokens"));
    Files.writeString(config.getParent().resolve("tokens/mine"), OTHER + "\n");
    CliRun r = run(Map.of(), "get", "orgs");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.authorizations).containsExactly("Bearer " + OTHER);
  }

  @Test
  void noTokenMeansNoAuthorizationHeader() {
    assertThat(run(Map.of(), "get", "orgs").exitCode).isZero();
    assertThat(server.authorizations).containsExactly("");
  }

  @Test
  void unauthenticatedWithoutTokenSaysToLogIn() {
    server.onList =
        r -> {
          throw FakeManagementServer.failure(
              Status.UNAUTHENTICATED,
              FakeManagementServer.detail(
                  "UNAUTHENTICATED",
                  "",
                  "authentication required: send 'authorization: Bearer <token>'"));
        };
    CliRun r = run(Map.of(), "get", "orgs");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out).isEmpty();
    assertThat(r.err)
        .isEqualTo(
            "error: the server at "
                + server.address()
                + " requires a token and none was given; run 'trestle login --token-file FILE'"
                + " (or pass --token-file FILE, or set TRESTLE_TOKEN)\n");
  }

  @Test
  void refusedTokenNamesItsSourceNotItsValueAlsoVerbose() {
    server.onList =
        r -> {
          throw FakeManagementServer.failure(
              Status.UNAUTHENTICATED,
              FakeManagementServer.detail(
                  "UNAUTHENTICATED",
                  "",
                  "the bearer token is invalid, revoked, or its principal is disabled"));
        };
    CliRun r = run(Map.of(), "get", "orgs", "--token-file", tokenFile.toString(), "-v");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err.lines().findFirst().orElseThrow())
        .isEqualTo(
            "error: the server at "
                + server.address()
                + " refused the token from --token-file "
                + tokenFile
                + " (the bearer token is invalid, revoked, or its principal is disabled);"
                + " run 'trestle login' with a valid token");
    assertNoSecret(r);
  }

  @Test
  void unauthenticatedStopsAMultiTargetDeleteAtTheFirstTarget() {
    server.onDelete =
        r -> {
          throw FakeManagementServer.failure(
              Status.UNAUTHENTICATED, FakeManagementServer.detail("UNAUTHENTICATED", "", "no"));
        };
    CliRun r = run(Map.of("TRESTLE_TOKEN", OTHER), "delete", "organizations/a", "organizations/b");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err.lines())
        .singleElement()
        .asString()
        .contains("refused the token from $TRESTLE_TOKEN");
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void permissionDeniedIsOneLine() {
    server.onList =
        r -> {
          throw FakeManagementServer.failure(
              Status.PERMISSION_DENIED,
              FakeManagementServer.detail(
                  "PERMISSION_DENIED",
                  "",
                  "permission denied: users/bob may not READ at the root"));
        };
    CliRun denied = run(Map.of("TRESTLE_TOKEN", OTHER), "get", "orgs");
    assertThat(denied.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(denied.err)
        .isEqualTo("error: permission denied: users/bob may not READ at the root\n");
  }

  @Test
  void rateLimitedApplySaysWhenToRetry() throws Exception {
    server.onApply =
        r -> {
          throw FakeManagementServer.failure(
              Status.RESOURCE_EXHAUSTED,
              FakeManagementServer.detail(
                  "RATE_LIMITED",
                  "",
                  "write rate limit for users/bob exceeded (100/s, burst 1000); retry in 2.0 s"));
        };
    Path doc = home.resolve("org.yaml");
    Files.writeString(
        doc, "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: acme}\n");
    CliRun r = run(Map.of("TRESTLE_TOKEN", OTHER), "apply", "-f", doc.toString());
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: write rate limit for users/bob exceeded (100/s, burst 1000); retry in 2.0 s\n");
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void malformedTokenIsRefusedLocallyWithoutQuotingIt() throws Exception {
    Files.writeString(tokenFile, "trst.abc S3CR3T with spaces\n");
    CliRun r = run(Map.of(), "get", "orgs", "--token-file", tokenFile.toString(), "-v");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .startsWith(
            "error: the token from --token-file "
                + tokenFile
                + " is not a token (expected one line of printable ASCII, no spaces)");
    assertNoSecret(r);
    assertThat(server.requests).isEmpty();
  }

  @Test
  void missingOrEmptyTokenFileIsAnError() throws Exception {
    CliRun missing = run(Map.of(), "get", "orgs", "--token-file", home.resolve("nope").toString());
    assertThat(missing.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(missing.err)
        .isEqualTo("error: token file " + home.resolve("nope") + ": no such file\n");
    Files.writeString(tokenFile, "\n");
    CliRun empty = run(Map.of(), "get", "orgs", "--token-file", tokenFile.toString());
    assertThat(empty.err)
        .isEqualTo("error: the token from --token-file " + tokenFile + " is empty\n");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void brokenConfigYamlDoesNotQuoteTheTokenEvenVerbose() throws Exception {
    Path config = config("server: 127.0.0.1:1\ntoken: \"" + TOKEN + "\n");
    CliRun r = run(Map.of(), "get", "orgs", "-v");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).startsWith("error: CLI config " + config + ": not valid YAML at line ");
    assertNoSecret(r);
    assertThat(server.requests).isEmpty();
  }

  @Test
  void configTokenReadableByOthersIsWarnedAbout() throws Exception {
    Path config = config("token: " + TOKEN + "\n");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    CliRun r = run(Map.of(), "get", "orgs");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.err)
        .startsWith(
            "warning: the CLI config "
                + config
                + " holds a token and is readable by others; run 'chmod 600 "
                + config
                + "'\n");
    assertNoSecret(r);
  }

  @Test
  void everyVerbSendsTheToken() throws Exception {
    server.onList = r -> ListResponse.getDefaultInstance();
    server.onGet = r -> TestResources.organization("acme", 1);
    Map<String, String> env = Map.of("TRESTLE_TOKEN", TOKEN);
    assertThat(run(env, "get", "organizations/acme").exitCode).isZero();
    assertThat(run(env, "delete", "organizations/acme").exitCode).isZero();
    assertThat(run(env, "audit").exitCode).isZero();
    assertThat(run(env, "whoami").exitCode).isZero();
    assertThat(run(env, "can-i", "organizations/acme").exitCode).isZero();
    assertThat(run(env, "iam", "bindings", "organizations/acme").exitCode).isZero();
    assertThat(server.authorizations).hasSize(6).allMatch(("Bearer " + TOKEN)::equals);
  }
}
