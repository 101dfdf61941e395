package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.ListResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgumentParsingTest {
  @TempDir Path home;
  @FakeServer FakeManagementServer server;

  @Test
  void unknownVerbIsAUsageError() {
    CliRun r = CliRun.run(home, "aply", "-f", "x.yaml");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).contains("error: Unmatched arguments").contains("apply");
    assertThat(r.out).isEmpty();
  }

  @Test
  void noVerbIsAUsageError() {
    CliRun r = CliRun.run(home);
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).startsWith("error: missing verb");
  }

  @Test
  void unknownKindIsAUsageErrorAndCallsNothing() {
    CliRun r = CliRun.run(home, "--server", server.address(), "get", "gateways");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).startsWith("error: unknown kind 'gateways'");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void applyWithoutFileIsAUsageError() {
    CliRun r = CliRun.run(home, "apply");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).contains("apply needs -f");
  }

  @Test
  void badOutputFormatIsAUsageError() {
    CliRun r = CliRun.run(home, "get", "orgs", "-o", "xml");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).contains("xml").contains("table, json, yaml");
  }

  @Test
  void badServerAddressIsAUsageError() {
    CliRun r = CliRun.run(home, "--server", "nohost", "get", "orgs");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err).contains("--server: 'nohost' is not HOST:PORT");
  }

  @Test
  void serverOptionWorksBeforeAndAfterTheVerbAndTheLaterWins() {
    CliRun before = CliRun.run(home, "--server", server.address(), "get", "orgs");
    assertThat(before.exitCode).as(before.toString()).isZero();
    CliRun after =
        CliRun.run(home, "--server", "127.0.0.1:1", "get", "orgs", "--server", server.address());
    assertThat(after.exitCode).as(after.toString()).isZero();
    assertThat(server.requests).hasSize(2);
  }

  @Test
  void serverAndDefaultParentsComeFromTheConfigFile() throws Exception {
    Path config = home.resolve(".config/trestle/cli.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "server: " + server.address() + "\norganization: acme\n");
    server.onList = r -> ListResponse.getDefaultInstance();
    server.onGet = r -> TestResources.tenant("acme", "payments", 1);

    CliRun r = CliRun.run(home, "get", "tenant", "payments");

    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(GetRequest.class))
        .singleElement()
        .extracting(GetRequest::getFqn)
        .isEqualTo("organizations/acme/tenants/payments");
  }

  @Test
  void configFileFromEnvironmentMustExist() {
    CliRun r =
        CliRun.run(
            home,
            Map.of("TRESTLE_CONFIG", home.resolve("missing.yaml").toString()),
            "",
            "get",
            "orgs");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo("error: CLI config " + home.resolve("missing.yaml") + ": no such file\n");
  }

  @Test
  void unreachableServerFailsWithOneLineAndNoStackTrace() {
    CliRun r = CliRun.run(home, "--server", "127.0.0.1:1", "--timeout", "2s", "get", "orgs");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err.lines())
        .singleElement()
        .asString()
        .startsWith("error: cannot reach the trestle server at 127.0.0.1:1");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    CliRun r = CliRun.run(home, "--server", "127.0.0.1:1", "get", "orgs", "-v");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).contains("io.grpc.StatusRuntimeException").contains("\tat ");
  }

  @Test
  void defaultTimeoutIsThirtySeconds() {
    var cmd =
        TrestleCli.commandLine(
            new CliEnvironment(System.in, Map.of(), home, java.time.Clock.systemUTC()));
    ClientCommand get =
        cmd.parseArgs("get", "orgs").subcommand().commandSpec().commandLine().getCommand();
    assertThat(get.timeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(CliRun.run(home, "get", "--help").out).contains("(default: 30s)");
  }

  @Test
  void helpListsExitCodes() {
    CliRun r = CliRun.run(home, "diff", "--help");
    assertThat(r.exitCode).isZero();
    assertThat(r.out).contains("0   no differences").contains("1   differences found");
  }

  @Test
  void rootHelpListsTheAuditVerbsAndEveryExitCodeLine() {
    CliRun r = CliRun.run(home, "--help");
    assertThat(r.exitCode).isZero();
    assertThat(r.out)
        .contains("  audit ")
        .contains("  history ")
        .contains("  login ")
        .contains("  logout ")
        .contains("  whoami ")
        .contains("  can-i ")
        .contains("  iam ")
        .contains("--token-file")
        .contains("--ca-file")
        .contains("an audit filter the")
        .contains("rejects)")
        .contains("'diff' differs")
        .contains("trestle get organizations/acme/tenants/payments --version 2");
  }
}
