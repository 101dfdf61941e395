package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.TlsServerCredentials;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

/** --tls, --ca-file, --no-tls and the config's tls/ca-file; a real TLS handshake with a CA file. */
class TlsOptionsTest {
  @TempDir static Path certs;
  @TempDir Path home;

  static FakeManagementServer tlsServer;
  static Path caPem;
  static Path otherPem;

  @BeforeAll
  static void startTlsServer() throws Exception {
    caPem = selfSigned("server", List.of("-ext", "SAN=dns:localhost,ip:127.0.0.1"));
    otherPem = selfSigned("other", List.of());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certs.resolve("server.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    tlsServer =
        new FakeManagementServer(
            TlsServerCredentials.newBuilder().keyManager(kmf.getKeyManagers()).build());
  }

  @AfterAll
  static void stopTlsServer() throws Exception {
    if (tlsServer != null) {
      tlsServer.close();
    }
  }

  /** A key pair and self-signed certificate from the JDK's keytool, as the server makes one. */
  private static Path selfSigned(String name, List<String> extra) throws Exception {
    Path p12 = certs.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    var cmd =
        new java.util.ArrayList<>(
            List.of(
                keytool,
                "-genkeypair",
                "-alias",
                "trestle",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                p12.toString(),
                "-storepass",
                "changeit"));
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(output).isTrue();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    Path pem = certs.resolve(name + ".pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(ks.getCertificate("trestle").getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    return pem;
  }

  /** The transport a client verb resolves for these arguments (nothing is called). */
  private Transport transport(String... args) {
    var cmd =
        TrestleCli.commandLine(new CliEnvironment(System.in, Map.of(), home, Clock.systemUTC()));
    var parsed = cmd.parseArgs(args);
    while (parsed.subcommand() != null) {
      parsed = parsed.subcommand();
    }
    ClientCommand verb = parsed.commandSpec().commandLine().getCommand();
    return verb.transport();
  }

  private Path config(String text) throws Exception {
    Path config = home.resolve(".config/trestle/cli.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, text);
    return config;
  }

  @Test
  void plaintextByDefault() {
    assertThat(transport("get", "orgs")).isEqualTo(Transport.PLAINTEXT);
  }

  @Test
  void tlsFlagTrustsTheSystemAndCaFileImpliesTls() {
    assertThat(transport("get", "orgs", "--tls")).isEqualTo(Transport.SYSTEM_TLS);
    assertThat(transport("--ca-file", "/x/ca.pem", "get", "orgs"))
        .isEqualTo(Transport.trusting(Path.of("/x/ca.pem")));
    assertThat(transport("iam", "--tls", "role", "admin")).isEqualTo(Transport.SYSTEM_TLS);
  }

  @Test
  void configTlsAndCaFileRelativeToTheConfig() throws Exception {
    Path config = config("tls: true\n");
    assertThat(transport("get", "orgs")).isEqualTo(Transport.SYSTEM_TLS);
    Files.writeString(config, "ca-file: certs/ca.pem\n");
    assertThat(transport("get", "orgs"))
        .isEqualTo(Transport.trusting(config.getParent().resolve("certs/ca.pem")));
  }

  @Test
  void flagsOverrideTheConfig() throws Exception {
    config("ca-file: /etc/trestle/ca.pem\n");
    assertThat(transport("get", "orgs", "--no-tls")).isEqualTo(Transport.PLAINTEXT);
    assertThat(transport("get", "orgs", "--tls")).isEqualTo(Transport.SYSTEM_TLS);
    assertThat(transport("get", "orgs", "--ca-file", "/mine.pem"))
        .isEqualTo(Transport.trusting(Path.of("/mine.pem")));
  }

  @Test
  void noTlsWithCaFileIsAUsageError() {
    assertThatThrownBy(() -> transport("get", "orgs", "--no-tls", "--ca-file", "/x.pem"))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--ca-file means TLS; it contradicts --no-tls");
  }

  @Test
  void configRefusesTlsFalseWithCaFileAndNonBooleanTls() {
    assertThatThrownBy(() -> CliConfig.parse("tls: false\nca-file: ca.pem\n", "cli.yaml"))
        .hasMessage("CLI config cli.yaml: 'ca-file' means TLS; it contradicts 'tls: false'");
    assertThatThrownBy(() -> CliConfig.parse("tls: sometimes\n", "cli.yaml"))
        .hasMessage("CLI config cli.yaml: 'tls' must be true or false, not 'sometimes'");
    assertThat(CliConfig.parse("tls: \"true\"\n", "cli.yaml").tls()).contains(true);
  }

  @Test
  void caFileTrustsASelfSignedServerAndTheTokenTravelsInside() throws Exception {
    Path token = home.resolve("t");
    Files.writeString(token, AuthenticationTest.TOKEN);
    CliRun r =
        CliRun.run(
            home,
            "whoami",
            "--server",
            "localhost:" + tlsServer.port(),
            "--ca-file",
            caPem.toString(),
            "--token-file",
            token.toString());
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .endsWith(
            "server:         localhost:" + tlsServer.port() + " (TLS, trusting " + caPem + ")\n");
    assertThat(tlsServer.authorizations).contains("Bearer " + AuthenticationTest.TOKEN);
  }

  @Test
  void loginStoresTheCaFileAndLaterVerbsUseIt() throws Exception {
    Path token = home.resolve("t");
    Files.writeString(token, AuthenticationTest.TOKEN);
    CliRun login =
        CliRun.run(
            home,
            "login",
            "--server",
            "127.0.0.1:" + tlsServer.port(),
            "--ca-file",
            caPem.toString(),
            "--token-file",
            token.toString());
    assertThat(login.exitCode).as(login.toString()).isZero();
    CliConfig saved =
        CliConfig.load(new CliConfig.Location(home.resolve(".config/trestle/cli.yaml"), true));
    assertThat(saved.caFile()).contains(caPem.toAbsolutePath());
    CliRun next = CliRun.run(home, "whoami");
    assertThat(next.exitCode).as(next.toString()).isZero();
  }

  @Test
  void anUntrustedCertificateIsNamedAsSuch() {
    CliRun r =
        CliRun.run(
            home,
            "whoami",
            "--server",
            "127.0.0.1:" + tlsServer.port(),
            "--ca-file",
            otherPem.toString());
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: the TLS certificate of the server at 127.0.0.1:"
                + tlsServer.port()
                + " is not trusted by the CA file "
                + otherPem
                + "; pass --ca-file with the server's CA certificate (a self-signed server writes"
                + " <data-dir>/tls/ca.pem)\n");
  }

  @Test
  void plaintextAgainstTlsSuggestsTls() {
    CliRun r =
        CliRun.run(home, "whoami", "--server", "127.0.0.1:" + tlsServer.port(), "--timeout", "5s");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).contains("if it uses TLS, pass --ca-file PEM or --tls");
  }

  @Test
  void tlsAgainstPlaintextSaysTheServerDoesNotSpeakTls() throws Exception {
    try (var plain = new FakeManagementServer()) {
      CliRun r =
          CliRun.run(home, "whoami", "--server", plain.address(), "--ca-file", caPem.toString());
      assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
      assertThat(r.err)
          .isEqualTo(
              "error: the server at "
                  + plain.address()
                  + " does not speak TLS; connect without --tls and --ca-file (or pass"
                  + " --no-tls)\n");
    }
  }

  @Test
  void aCaFileThatIsNoCertificateIsRefusedBeforeConnecting() throws Exception {
    Path bogus = home.resolve("bogus.pem");
    Files.writeString(bogus, "hello\n");
    CliRun r = CliRun.run(home, "whoami", "--server", "127.0.0.1:1", "--ca-file", bogus.toString());
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).startsWith("error: CA file " + bogus + ": not a PEM certificate");
    CliRun missing =
        CliRun.run(
            home,
            "whoami",
            "--server",
            "127.0.0.1:1",
            "--ca-file",
            home.resolve("no.pem").toString());
    assertThat(missing.err)
        .isEqualTo("error: CA file " + home.resolve("no.pem") + ": no such file\n");
  }

  @Test
  void transportDescribesItself() {
    assertThat(Transport.PLAINTEXT).hasToString("plaintext");
    assertThat(Transport.SYSTEM_TLS).hasToString("TLS, trusting the system's CAs");
    assertThat(new Transport(true, Optional.of(Path.of("/ca.pem"))))
        .hasToString("TLS, trusting /ca.pem");
  }
}
