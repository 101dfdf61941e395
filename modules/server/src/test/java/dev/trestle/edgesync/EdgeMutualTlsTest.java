package dev.trestle.edgesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditServiceGrpc;
import dev.trestle.protocol.v1.ClusterServiceGrpc;
import dev.trestle.protocol.v1.Hello;
import dev.trestle.protocol.v1.IssueJoinTokenRequest;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.testing.TestCentral;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
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
 * certificate from that CA complete the handshake, and the certificate must name the cluster the
 * join token is for (its CN or a DNS alternative name). Certificates are made with the JDK's
 * keytool, as the dev mode does.
 */
class EdgeMutualTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static Path certs;
  private static TestCentral central;
  private static ManagedChannel api;
  private static String joinToken;
  private static String c2Token;

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
    issue("edge", "CN=c1", null);
    // For c2 by a DNS alternative name; its CN names no cluster.
    issue("edge-c2", "CN=edge-agent", "san=dns:c2");
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
                            ---
                            apiVersion: trestle.dev/v1
                            kind: Cluster
                            metadata: {name: c2, organization: tls}
                            spec: {network: n2}
                            """)
                        .stream()
                        .map(d -> d.resource())
                        .toList())
                .build());
    joinToken = joinToken("organizations/tls/clusters/c1");
    c2Token = joinToken("organizations/tls/clusters/c2");
  }

  private static String joinToken(String cluster) throws IOException {
    return ClusterServiceGrpc.newBlockingStub(api)
        .withCallCredentials(EdgeStreamTest.bearer(central.adminToken()))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .issueJoinToken(IssueJoinTokenRequest.newBuilder().setCluster(cluster).build())
        .getToken();
  }

  /**
   * A key pair in {@code <alias>.p12} with a client certificate for {@code dname} (and {@code
   * extension} if given) issued by the edge CA, the CA's certificate beside it.
   */
  private static void issue(String alias, String dname, String extension) throws Exception {
    String keystore = alias + ".p12";
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dname,
        "-validity",
        "2",
        "-keystore",
        keystore,
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit");
    keytool(
        "-certreq",
        "-alias",
        alias,
        "-keystore",
        keystore,
        "-storepass",
        "changeit",
        "-file",
        alias + ".csr");
    List<String> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                "changeit",
                "-infile",
                alias + ".csr",
                "-outfile",
                alias + ".crt",
                "-rfc",
                "-validity",
                "2",
                "-ext",
                "eku=clientAuth"));
    if (extension != null) {
      gencert.addAll(List.of("-ext", extension));
    }
    keytool(gencert.toArray(String[]::new));
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        "ca.pem",
        "-keystore",
        keystore,
        "-storepass",
        "changeit");
    keytool(
        "-importcert",
        "-alias",
        alias,
        "-file",
        alias + ".crt",
        "-keystore",
        keystore,
        "-storepass",
        "changeit");
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
    return hello("c1", joinToken);
  }

  private static Hello hello(String cluster, String token) {
    return Hello.newBuilder().setCluster(cluster).setToken(token).setAgentVersion("test").build();
  }

  private static ManagedChannel edgeChannel(String keystore) throws Exception {
    return Grpc.newChannelBuilderForAddress(
            "localhost", central.central().edgeAddress().getPort(), serverTrust(keystore))
        .build();
  }

  /**
   * A certificate issued for c1 cannot be used with c2's join token (nor with a Hello that claims
   * nothing): refused with PERMISSION_DENIED saying which names the certificate carries, and
   * audited; a certificate naming c2 by a DNS alternative name is admitted with c2's token. A
   * client cannot name itself with the header central uses for the verified names.
   */
  @Test
  void aCertificateIssuedForOneClusterCannotSpeakForAnother() throws Exception {
    ManagedChannel asC1 = edgeChannel("edge.p12");
    try {
      for (Hello hello : List.of(hello("c2", c2Token), hello("", c2Token))) {
        try (var client = new EdgeTestClient(spoofingNames(asC1, "c2"), hello)) {
          Status status = client.closed.get(20, TimeUnit.SECONDS);
          assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(status.getDescription())
              .contains("the client certificate is for c1, not for cluster")
              .contains("organizations/tls/clusters/c2");
          assertThat(client.received).isEmpty();
        }
      }
    } finally {
      asC1.shutdownNow();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        AuditServiceGrpc.newBlockingStub(api)
                            .withCallCredentials(EdgeStreamTest.bearer(central.adminToken()))
                            .withDeadlineAfter(10, TimeUnit.SECONDS)
                            .query(
                                AuditQueryRequest.newBuilder()
                                    .setResource("organizations/tls/clusters/c2")
                                    .setOperation(AuditOperation.EDGE_CONNECT)
                                    .build())
                            .getEntriesList())
                    .anySatisfy(
                        e ->
                            assertThat(e.getMessage())
                                .contains("the client certificate is for c1")));

    ManagedChannel asC2 = edgeChannel("edge-c2.p12");
    try (var client = new EdgeTestClient(asC2, hello("c2", c2Token))) {
      assertThat(client.next(Duration.ofSeconds(20)).hasWelcome()).isTrue();
    } finally {
      asC2.shutdownNow();
    }
  }

  /** Sends the header central sets for a verified certificate's names, claiming {@code names}. */
  private static Channel spoofingNames(Channel channel, String names) {
    var headers = new Metadata();
    headers.put(
        Metadata.Key.of(EdgeClientCertificates.NAMES_HEADER, Metadata.ASCII_STRING_MARSHALLER),
        names);
    return ClientInterceptors.intercept(
        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
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
