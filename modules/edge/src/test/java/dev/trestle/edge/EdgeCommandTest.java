package dev.trestle.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.xds.GatewayTls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EdgeCommandTest {
  @TempDir Path dir;

  private EdgeSettings parse(String... args) {
    var command = new EdgeCommand();
    new CommandLine(command).parseArgs(args);
    command.spec = new CommandLine(command).getCommandSpec();
    return command.settings();
  }

  private String error(String... args) {
    var err = new StringWriter();
    var cli = new CommandLine(new EdgeCommand());
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertThat(code).isEqualTo(2);
    return err.toString();
  }

  @Test
  void defaultsDirectoriesPortAndTransport() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc\n");
    EdgeSettings s =
        parse(
            "--cluster",
            "organizations/acme/clusters/c1",
            "--central",
            "127.0.0.1",
            "--token-file",
            token.toString());
    assertThat(s.centralPort()).isEqualTo(9081);
    assertThat(s.outDir()).isEqualTo(Path.of("edge/c1/out"));
    assertThat(s.stateDir()).isEqualTo(Path.of("edge/c1/state"));
    assertThat(s.transport().tls()).isFalse();
    assertThat(s.statusPort()).isEmpty();
    assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    // xDS on loopback:18000 by default, skipped (WARN) if that port is taken
    assertThat(s.xdsPort()).contains(18000);
    assertThat(s.xdsHost()).isEqualTo("127.0.0.1");
    assertThat(s.xdsBestEffort()).isTrue();
    EdgeSettings explicit =
        parse(
            "--cluster",
            "c1",
            "--token-file",
            token.toString(),
            "--xds-port",
            "0",
            "--xds-address",
            "0.0.0.0");
    assertThat(explicit.xdsPort()).contains(0);
    assertThat(explicit.xdsHost()).isEqualTo("0.0.0.0");
    assertThat(explicit.xdsBestEffort()).isFalse();
    assertThat(parse("--cluster", "c1", "--token-file", token.toString(), "--no-xds").xdsPort())
        .isEmpty();
  }

  @Test
  void gatewayTlsIsOffByDefaultAndNamesTheClientsCertificateProvider() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc\n");
    assertThat(parse("--cluster", "c1", "--token-file", token.toString()).xdsGatewayTls())
        .isEmpty();
    assertThat(
            parse(
                    "--cluster",
                    "c1",
                    "--token-file",
                    token.toString(),
                    "--xds-gateway-tls",
                    "default")
                .xdsGatewayTls())
        .map(GatewayTls::providerInstance)
        .contains("default");
    assertThat(error("--cluster", "c1", "--token-file", token.toString(), "--xds-gateway-tls", " "))
        .contains("--xds-gateway-tls: the certificate provider instance name must be set");
  }

  @Test
  void severalCentralAddressesAreKeptInOrderWithTheDefaultPort() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc");
    EdgeSettings s =
        parse(
            "--cluster",
            "c1",
            "--central",
            "127.0.0.1:9181, localhost,[::1]:9381",
            "--token-file",
            token.toString());
    assertThat(s.centrals())
        .containsExactly(
            new CentralAddress("127.0.0.1", 9181),
            new CentralAddress("localhost", 9081),
            new CentralAddress("::1", 9381));
    assertThat(s.central()).isEqualTo("127.0.0.1:9181,localhost:9081,[::1]:9381");
    assertThat(s.transport().tls()).isFalse();
    // One non-loopback node is enough to need TLS for all.
    assertThat(
            parse(
                    "--cluster",
                    "c1",
                    "--central",
                    "127.0.0.1:9081,central.example:9081",
                    "--token-file",
                    token.toString())
                .transport()
                .tls())
        .isTrue();
  }

  @Test
  void aBadCentralListIsAUsageErrorNamingTheEntry() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc");
    assertThat(
            error(
                "--cluster", "c1", "--central", "a:9081,,b:9081", "--token-file", token.toString()))
        .contains("--central '' is not HOST:PORT");
    assertThat(
            error(
                "--cluster", "c1", "--central", "a:9081,b:99999", "--token-file", token.toString()))
        .contains("--central 'b:99999': 99999 is not a port");
    assertThat(
            error(
                "--cluster", "c1", "--central", "a:9081,a:9081", "--token-file", token.toString()))
        .contains("--central 'a:9081,a:9081' lists an address twice");
  }

  @Test
  void nonLoopbackCentralMeansTlsUnlessForced() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc");
    assertThat(
            parse(
                    "--cluster",
                    "c1",
                    "--central",
                    "central.example:9081",
                    "--token-file",
                    token.toString())
                .transport()
                .tls())
        .isTrue();
    assertThat(
            parse(
                    "--cluster",
                    "c1",
                    "--central",
                    "central.example:9081",
                    "--token-file",
                    token.toString(),
                    "--insecure-plaintext",
                    "--max-backoff",
                    "5s")
                .transport()
                .tls())
        .isFalse();
  }

  @Test
  void missingOrEmptyTokenFileIsAClearUsageErrorWithoutTheToken() throws Exception {
    assertThat(error("--cluster", "c1", "--token-file", dir.resolve("none").toString()))
        .contains("--token-file: token file " + dir.resolve("none") + ": no such file");
    Path empty = Files.writeString(dir.resolve("empty"), "  \n");
    assertThat(error("--cluster", "c1", "--token-file", empty.toString())).contains("is empty");
  }

  @Test
  void badInventoryFileIsAClearUsageError() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc");
    Path inv = Files.writeString(dir.resolve("inv.yaml"), "services: [{namespace: shop}]\n");
    assertThat(
            error(
                "--cluster",
                "c1",
                "--token-file",
                token.toString(),
                "--inventory",
                inv.toString(),
                "--out-dir",
                dir.resolve("o").toString(),
                "--state-dir",
                dir.resolve("s").toString()))
        .contains("--inventory: " + inv + ": services[0].name: is required");
  }

  @Test
  void badCaFileIsAClearUsageError() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "trst-abc");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not a cert");
    assertThat(
            error("--cluster", "c1", "--token-file", token.toString(), "--ca-file", ca.toString()))
        .contains("--ca-file " + ca + ": not a PEM certificate");
  }
}
