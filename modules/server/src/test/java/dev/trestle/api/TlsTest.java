package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS handshakes on the API port with the self-signed dev certificate. */
class TlsTest {
  private static TestCentral central;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure("trestle.tls.mode = self-signed\n");
  }

  @AfterAll
  static void stop() throws Exception {
    central.close();
  }

  @Test
  void grpcOverTlsWithTheDevCaWorks() throws Exception {
    var creds =
        TlsChannelCredentials.newBuilder()
            .trustManager(central.dataDir().resolve("tls/ca.pem").toFile())
            .build();
    var channel = Grpc.newChannelBuilderForAddress("localhost", central.apiPort(), creds).build();
    try {
      var who =
          IamServiceGrpc.newBlockingStub(channel)
              .withCallCredentials(IamApiTest.bearer(central.adminToken()))
              .withDeadlineAfter(20, TimeUnit.SECONDS)
              .whoAmI(WhoAmIRequest.getDefaultInstance());
      assertThat(who.getPrincipal()).isEqualTo("users/admin");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void untrustedClientsAndPlaintextFail() throws Exception {
    var untrusted =
        Grpc.newChannelBuilderForAddress(
                "localhost", central.apiPort(), TlsChannelCredentials.create())
            .build();
    var plaintext =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    try {
      assertThatThrownBy(
              () ->
                  ManagementServiceGrpc.newBlockingStub(untrusted)
                      .withDeadlineAfter(3, TimeUnit.SECONDS)
                      .get(GetRequest.newBuilder().setFqn("organizations/x").build()))
          .isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAVAILABLE");
      assertThatThrownBy(
              () ->
                  ManagementServiceGrpc.newBlockingStub(plaintext)
                      .withDeadlineAfter(3, TimeUnit.SECONDS)
                      .get(GetRequest.newBuilder().setFqn("organizations/x").build()))
          .isInstanceOf(StatusRuntimeException.class);
    } finally {
      untrusted.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void restOverHttpsWithTheDevCa() throws Exception {
    var cf = CertificateFactory.getInstance("X.509");
    var trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(central.dataDir().resolve("tls/ca.pem"))) {
      trust.setCertificateEntry("trestle", cf.generateCertificate(in));
    }
    var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    var ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    var client =
        HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
    var response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + central.apiPort() + "/api/v1/organizations"))
                .header("Authorization", "Bearer " + central.adminToken())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    var defaultTrust = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThatThrownBy(
            () ->
                defaultTrust.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "https://localhost:" + central.apiPort() + "/api/v1/organizations"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }
}
