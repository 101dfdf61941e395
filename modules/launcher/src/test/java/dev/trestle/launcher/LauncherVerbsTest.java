package dev.trestle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.cli.CliEnvironment;
import dev.trestle.cli.ExitCodes;
import dev.trestle.cli.TrestleCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The verbs the launcher adds to the CLI: {@code server} and {@code edge}. */
class LauncherVerbsTest {
  @TempDir Path home;

  private record Run(int exitCode, String out, String err) {}

  private CliEnvironment environment() {
    return new CliEnvironment(System.in, Map.of(), home, Clock.systemUTC());
  }

  private Run run(Path home, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code =
        TrestleCli.execute(
            args,
            environment(),
            TrestleLauncher.processVerbs(),
            new PrintWriter(out),
            new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private CommandLine commandLine() {
    return TrestleCli.commandLine(environment(), TrestleLauncher.processVerbs());
  }

  @Test
  void helpListsTheProcessVerbsBeforeTheClientVerbs() {
    Run help = run(home, "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out().indexOf("  server"))
        .isPositive()
        .isLessThan(help.out().indexOf("  edge"));
    assertThat(help.out().indexOf("  edge")).isLessThan(help.out().indexOf("  apply"));
  }

  @Test
  void edgeVerbIsWiredAndRejectsAMissingTokenFileBeforeStarting() {
    Run help = run(home, "edge", "--help");
    assertThat(help.exitCode()).isEqualTo(0);
    assertThat(help.out())
        .contains("--cluster=NAME")
        .contains("--token-file=FILE")
        .contains("--kube");
    Run r =
        run(
            home,
            "edge",
            "--cluster",
            "c1",
            "--token-file",
            home.resolve("missing.token").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--token-file: token file").contains("no such file");
  }

  @Test
  void serverVerbRejectsInvalidPortsBeforeStarting() {
    Run r = run(home, "server", "--api-port", "70000");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--api-port: 70000 is not a port");
  }

  @Test
  void serverVerbParsesItsOptions() {
    var cmd = commandLine();
    var parsed =
        cmd.parseArgs("server", "--data-dir", "/tmp/d", "--api-port", "0", "--edge-port", "19081");
    ServerCommand server = parsed.subcommand().commandSpec().commandLine().getCommand();
    var args = server.args();
    assertThat(args.dataDir()).contains(Path.of("/tmp/d"));
    assertThat(args.apiPort()).contains(0);
    assertThat(args.edgePort()).contains(19081);
    assertThat(args.managementPort()).isEmpty();
    assertThat(args.configFile()).isEmpty();
  }

  @Test
  void serverVerbPassesTheStorageProfile() {
    var cmd = commandLine();
    ServerCommand server =
        cmd.parseArgs("server", "--profile", "postgres")
            .subcommand()
            .commandSpec()
            .commandLine()
            .getCommand();
    assertThat(server.args().profile()).contains("postgres");
    cmd = commandLine();
    ServerCommand unset =
        cmd.parseArgs("server").subcommand().commandSpec().commandLine().getCommand();
    assertThat(unset.args().profile()).isEmpty();
  }

  @Test
  void serverVerbPassesInsecureDev() {
    var cmd = commandLine();
    ServerCommand secure =
        cmd.parseArgs("server").subcommand().commandSpec().commandLine().getCommand();
    assertThat(secure.args().insecureDev()).isFalse();
    cmd = commandLine();
    ServerCommand dev =
        cmd.parseArgs("server", "--insecure-dev", "--api-port", "0")
            .subcommand()
            .commandSpec()
            .commandLine()
            .getCommand();
    assertThat(dev.args().insecureDev()).isTrue();
    assertThat(dev.args().apiPort()).contains(0);
  }
}
