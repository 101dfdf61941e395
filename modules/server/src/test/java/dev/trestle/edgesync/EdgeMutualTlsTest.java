package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.TestCentral;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS on the edge port: with {@code trestle.edge.client-ca-file} set, only clients with a
 * certificate from that CA complete the handshake; the join token still names the cluster.
 * Certificates are made with the JDK's keytool, as the dev mode does.
 */
class EdgeMutualTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static Path certs;
  private static TestCentral central;
  private static ManagedChannel api;
  private static String joinToken;

  @BeforeAll
  static void start() throws Exception {
    certs = Files.createTempDirectory("trestle-mtls-");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=edge-ca",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        "ca.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-storepass",
        "changeit",
        "-file",
        "ca.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "edge",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=c1",
        "-validity",
        "2",
        "-keystore",
        "edge.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");
    keytool(
        "-certreq",
        "-alias",
        "edge",
        "-keystore",
        "edge.p12",
        "-storepass",
        "changeit",
        "-file",
        "edge.csr");
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-storepass",
        "changeit",
        "-infile",
        "edge.csr",
        "-outfile",
        "edge.crt",
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "eku=clientAuth");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        "ca.pem",
        "-keystore",
        "edge.p12",
        "-storepass",
        "changeit");
    keytool(
        "-importcert",
        "-alias",
        "edge",
        "-file",
        "edge.crt",
        "-keystore",
        "edge.p12",
        "-storepass",
        "changeit");
    keytool(
        "-genkeypair",
        "-alias",
        "rogue",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=c1",
        "-validity",
        "2",
        "-keystore",
        "rogue.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");

    central =
        TestCentral.startSecure(
            """
            trestle.tls.mode = self-signed
            trestle.edge.client-ca-file = "%s"
            """
                .formatted(certs.resolve("ca.pem")));
    api =
        Grpc.newChannelBuilderForAddress("localhost", central.apiPort(), serverTrust(null)).build();
    String admin = central.adminToken();
    ManagementServiceGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(admin))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .apply(
            ApplyRequest.newBuilder()
                .addAllResources(
                    ResourceDocuments.parse(
                            """
                            apiVersion: trestle.dev/v1
                            kind: Organization
                            metadata: {name: tls}
                            ---
                            apiVersion: trestle.dev/v1
                            kind: Cluster
                            metadata: {name: c1, organization: tls}
                            spec: {network: n1}
                            """)
                        .stream()
                        .map(d -> d.resource())
                        .toList())
                .build());
    joinToken =
        ClusterServiceGrpc.newBlockingStub(api)
            .withCallCredentials(EdgeStreamTest.bearer(admin))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .issueJoinToken(
                IssueJoinTokenRequest.newBuilder()
                    .setCluster("organizations/tls/clusters/c1")
                    .build())
            .getToken();
  }

  @AfterAll
  static void stop() throws Exception {
    api.shutdownNow();
    central.close();
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }

  /** Trusts central's dev CA; presents the client certificate of {@code keystore} if given. */
  private static ChannelCredentials serverTrust(String keystore) throws Exception {
    var builder =
        TlsChannelCredentials.newBuilder()
            .trustManager(central.dataDir().resolve("tls/ca.pem").toFile());
    if (keystore != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(certs.resolve(keystore))) {
        ks.load(in, PASSWORD);
      }
      var kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      builder.keyManager(kmf.getKeyManagers());
    }
    return builder.build();
  }

  private static Hello hello() {
    return Hello.newBuilder().setCluster("c1").setToken(joinToken).setAgentVersion("test").build();
  }

  @Test
  void anEdgeWithACertificateFromTheEdgeCaIsAdmitted() throws Exception {
    ManagedChannel edge =
        Grpc.newChannelBuilderForAddress(
                "localhost", central.central().edgeAddress().getPort(), serverTrust("edge.p12"))
            .build();
    try (var client = new EdgeTestClient(edge, hello())) {
      assertThat(client.next(Duration.ofSeconds(20)).hasWelcome()).isTrue();
    } finally {
      edge.shutdownNow();
    }
  }

  @Test
  void anEdgeWithoutACertificateOrWithAForeignOneFailsTheHandshake() throws Exception {
    for (String keystore : new String[] {null, "rogue.p12"}) {
      ManagedChannel edge =
          Grpc.newChannelBuilderForAddress(
                  "localhost", central.central().edgeAddress().getPort(), serverTrust(keystore))
              .build();
      try (var client = new EdgeTestClient(edge, hello())) {
        Status status = client.closed.get(20, TimeUnit.SECONDS);
        assertThat(status.getCode())
            .as("client certificate %s", keystore)
            .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(client.received).isEmpty();
      } finally {
        edge.shutdownNow();
      }
    }
  }
}
