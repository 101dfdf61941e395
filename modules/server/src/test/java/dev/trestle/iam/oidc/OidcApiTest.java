package dev.trestle.iam.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.trestle.api.IamApiTest;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.AccessBindings;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.Binding;
import dev.trestle.protocol.v1.GetAccessBindingsRequest;
import dev.trestle.protocol.v1.GetRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.SetAccessBindingsRequest;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC tokens against a real issuer on 127.0.0.1 (discovery + JWKS served by {@link TestIssuer})
 * and a real secure central: what is accepted, what is refused and why, key rotation, and group
 * bindings granting and revoking.
 */
class OidcApiTest {
  private static final String ORG = "organizations/oidc";
  private static TestIssuer issuer;
  private static RSAKey key;
  private static TestCentral central;
  private static ManagedChannel channel;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    issuer = new TestIssuer();
    key = issuer.newKey("k1");
    central =
        TestCentral.startSecure(
            issuer.centralConfig("clock-skew = 5s, jwks-refresh-interval = 1s"));
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
    var docs =
        ResourceDocuments.parse(
                """
                apiVersion: trestle.dev/v1
                kind: Organization
                metadata: {name: oidc}
                """)
            .stream()
            .map(d -> d.resource())
            .toList();
    mgmt(admin).apply(ApplyRequest.newBuilder().addAllResources(docs).build());
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
    issuer.close();
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub mgmt(String token) {
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static IamServiceGrpc.IamServiceBlockingStub iam(String token) {
    return IamServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static String whoAmI(String token) {
    return iam(token).whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal();
  }

  /** The refusal's description; fails the test when the call succeeded. */
  private static Status refusal(String token) {
    try {
      whoAmI(token);
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the token was accepted");
  }

  @Test
  void aValidTokenAuthenticatesItsSubjectOverGrpcAndRest() throws Exception {
    String token =
        issuer.mint(key, "alice-123", c -> c.claim("groups", List.of("mesh-admins", "readers")));
    assertThat(whoAmI(token)).isEqualTo("oidc:alice-123");
    // WhoAmI says how: through the issuer, with the token's subject and groups.
    var me = iam(token).whoAmI(WhoAmIRequest.getDefaultInstance());
    assertThat(me.getAuthenticatedBy()).isEqualTo("oidc");
    assertThat(me.getOidc().getIssuer()).isEqualTo(issuer.url());
    assertThat(me.getOidc().getSubject()).isEqualTo("alice-123");
    assertThat(me.getOidc().getGroupsList()).containsExactly("mesh-admins", "readers");
    var byToken = iam(admin).whoAmI(WhoAmIRequest.getDefaultInstance());
    assertThat(byToken.getAuthenticatedBy()).isEqualTo("token");
    assertThat(byToken.hasOidc()).isFalse();
    var rest =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + central.apiPort() + "/api/v1/whoami"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(rest.statusCode()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(rest.body());
    assertThat(body.path("principal").asText()).isEqualTo("oidc:alice-123");
    assertThat(body.path("authenticatedBy").asText()).isEqualTo("oidc");
    assertThat(body.path("oidc").path("issuer").asText()).isEqualTo(issuer.url());
    assertThat(body.path("oidc").path("subject").asText()).isEqualTo("alice-123");
    assertThat(body.path("oidc").path("groups").toString())
        .isEqualTo("[\"mesh-admins\",\"readers\"]");
  }

  @Test
  void expiredWrongAudienceWrongIssuerAndNotYetValidTokensAreRefused() throws Exception {
    Instant now = Instant.now();
    Status expired =
        refusal(issuer.mint(key, "bob", c -> c.expirationTime(Date.from(now.minusSeconds(60)))));
    assertThat(expired.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(expired.getDescription()).contains("expired at");

    Status audience = refusal(issuer.mint(key, "bob", c -> c.audience("someone-else")));
    assertThat(audience.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(audience.getDescription()).contains("audience");

    Status wrongIssuer = refusal(issuer.mint(key, "bob", c -> c.issuer("https://evil.example")));
    assertThat(wrongIssuer.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(wrongIssuer.getDescription()).contains("issuer");

    Status early =
        refusal(issuer.mint(key, "bob", c -> c.notBeforeTime(Date.from(now.plusSeconds(120)))));
    assertThat(early.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(early.getDescription()).contains("not valid before");

    // Within the configured skew (5 s) an expiry a moment ago still passes.
    assertThat(
            whoAmI(issuer.mint(key, "bob", c -> c.expirationTime(Date.from(now.minusSeconds(1))))))
        .isEqualTo("oidc:bob");
  }

  @Test
  void unsignedAndHmacWithThePublicKeyAndUnknownKeysAreRefused() throws Exception {
    var claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer.url())
            .audience(TestIssuer.AUDIENCE)
            .subject("mallory")
            .expirationTime(Date.from(Instant.now().plusSeconds(300)))
            .build();
    Status none = refusal(new PlainJWT(claims).serialize());
    assertThat(none.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(none.getDescription()).contains("not signed");

    // HS/RS confusion: HMAC "signed" with the issuer's public key bytes as the secret.
    var confused =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
    confused.sign(new MACSigner(key.toPublicKey().getEncoded()));
    Status hmac = refusal(confused.serialize());
    assertThat(hmac.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(hmac.getDescription()).contains("HS256").contains("not accepted");

    // Signed by a key the issuer never published.
    var stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    Status forged = refusal(issuer.mint(stranger, "mallory", c -> c));
    assertThat(forged.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(forged.getDescription()).contains("signature does not verify");
  }

  @Test
  void aRotatedKeyIsPickedUpFromTheJwksWhenATokenNamesIt() throws Exception {
    assertThat(whoAmI(issuer.mint(key, "carol", c -> c))).isEqualTo("oidc:carol");
    RSAKey rotated = issuer.newKey("k2-" + System.nanoTime());
    String token = issuer.mint(rotated, "carol", c -> c);
    // The JWKS is refetched for an unknown key id at most once per jwks-refresh-interval (1 s).
    await().atMost(10, TimeUnit.SECONDS).until(() -> accepted(token));
    assertThat(whoAmI(token)).isEqualTo("oidc:carol");
  }

  private static boolean accepted(String token) {
    try {
      whoAmI(token);
      return true;
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getDescription()).contains("key id");
      return false;
    }
  }

  @Test
  void aGroupBindingGrantsAndItsRemovalRevokes() throws Exception {
    String token = issuer.mint(key, "dave", c -> c.claim("groups", List.of("mesh-readers")));
    var get = GetRequest.newBuilder().setFqn(ORG).build();
    assertThat(code(() -> mgmt(token).get(get))).isEqualTo(Status.Code.PERMISSION_DENIED);

    AccessBindings before =
        iam(admin).getAccessBindings(GetAccessBindingsRequest.newBuilder().setTarget(ORG).build());
    AccessBindings bound =
        iam(admin)
            .setAccessBindings(
                SetAccessBindingsRequest.newBuilder()
                    .setTarget(ORG)
                    .addAllBindings(before.getBindingsList())
                    .addBindings(
                        Binding.newBuilder().setRole("reader").addSubjects("group:mesh-readers"))
                    .build());
    assertThat(code(() -> mgmt(token).get(get))).isEqualTo(Status.Code.OK);
    // Another user of the issuer without the group gets nothing from it.
    String outsider = issuer.mint(key, "erin", c -> c.claim("groups", List.of("other")));
    assertThat(code(() -> mgmt(outsider).get(get))).isEqualTo(Status.Code.PERMISSION_DENIED);

    iam(admin)
        .setAccessBindings(
            SetAccessBindingsRequest.newBuilder()
                .setTarget(ORG)
                .addAllBindings(before.getBindingsList())
                .setVersion(bound.getVersion())
                .build());
    assertThat(code(() -> mgmt(token).get(get))).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aGroupWriterMayPostRestBodies() throws Exception {
    // REST bodies are read only for a caller who may write somewhere; a writer through a group
    // binding is one (the pre-check looks at the bindings of the principal and of its groups).
    var docs =
        ResourceDocuments.parse(
                """
                apiVersion: trestle.dev/v1
                kind: Organization
                metadata: {name: oidc-groupwrite}
                """)
            .stream()
            .map(d -> d.resource())
            .toList();
    mgmt(admin).apply(ApplyRequest.newBuilder().addAllResources(docs).build());
    iam(admin)
        .setAccessBindings(
            SetAccessBindingsRequest.newBuilder()
                .setTarget("organizations/oidc-groupwrite")
                .addBindings(
                    Binding.newBuilder().setRole("editor").addSubjects("group:mesh-editors"))
                .build());
    String token = issuer.mint(key, "frank", c -> c.claim("groups", List.of("mesh-editors")));
    String tenant =
        "apiVersion: trestle.dev/v1\nkind: Tenant\n"
            + "metadata: {name: team, organization: oidc-groupwrite}\n";
    // the group binding reaches the binding index through the audit projection; until then
    // the refusal may close the connection under the body being sent
    var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    var apply =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + central.apiPort() + "/api/v1/apply?dryRun"))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(tenant))
            .build();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .ignoreException(IOException.class)
        .untilAsserted(
            () -> {
              var r = http.send(apply, HttpResponse.BodyHandlers.ofString());
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            });
  }

  @Test
  void aBindingSubjectThatIsNeitherPrincipalNorGroupIsRefused() {
    var refused =
        code(
            () ->
                iam(admin)
                    .setAccessBindings(
                        SetAccessBindingsRequest.newBuilder()
                            .setTarget(ORG)
                            .addBindings(
                                Binding.newBuilder().setRole("reader").addSubjects("group:a b"))
                            .build()));
    assertThat(refused).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
