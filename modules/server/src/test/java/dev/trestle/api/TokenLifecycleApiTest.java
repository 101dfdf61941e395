package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Duration;
import dev.trestle.protocol.v1.CreatePrincipalRequest;
import dev.trestle.protocol.v1.GetPrincipalRequest;
import dev.trestle.protocol.v1.IamServiceGrpc;
import dev.trestle.protocol.v1.IssueTokenRequest;
import dev.trestle.protocol.v1.TokenInfo;
import dev.trestle.protocol.v1.WhoAmIRequest;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Principal tokens that expire, and their last use, over gRPC and REST in secure mode. */
class TokenLifecycleApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestCentral central;
  private static ManagedChannel channel;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    central = TestCentral.startSecure();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .build();
    admin = central.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  private static IamServiceGrpc.IamServiceBlockingStub iam(String token) {
    return IamServiceGrpc.newBlockingStub(channel)
        .withCallCredentials(IamApiTest.bearer(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> rest(String token, String method, String path, String body)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.apiPort() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTokenIssuedWithTtlOverRestWorksUntilItExpiresThenIsRefusedSayingWhen() throws Exception {
    iam(admin).createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/temp").build());
    var issued =
        rest(
            admin,
            "POST",
            "/api/v1/iam/principals/users/temp/tokens",
            "{\"description\": \"short\", \"ttl\": \"3s\"}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(issued.body());
    String token = answer.path("token").asText();
    Instant expires = Instant.parse(answer.path("expireTime").asText());
    assertThat(expires).isBetween(Instant.now(), Instant.now().plusSeconds(4));

    assertThat(iam(token).whoAmI(WhoAmIRequest.getDefaultInstance()).getPrincipal())
        .isEqualTo("users/temp");

    await()
        .atMost(15, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> iam(token).whoAmI(WhoAmIRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> {
                          assertThat(e.getStatus().getCode())
                              .isEqualTo(Status.Code.UNAUTHENTICATED);
                          assertThat(e.getStatus().getDescription())
                              .contains("token expired at " + expires);
                        }));
    var refused = rest(token, "GET", "/api/v1/whoami", null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(refused.body()).path("message").asText())
        .contains("token expired at " + expires);
    assertThat(refused.body()).doesNotContain(token);
  }

  @Test
  void principalsShowTheirTokensExpiryAndLastUseNeverTheSecret() {
    iam(admin).createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/shown").build());
    var lasting =
        iam(admin).issueToken(IssueTokenRequest.newBuilder().setPrincipal("users/shown").build());
    var daily =
        iam(admin)
            .issueToken(
                IssueTokenRequest.newBuilder()
                    .setPrincipal("users/shown")
                    .setTtl(Duration.newBuilder().setSeconds(86400))
                    .build());
    assertThat(lasting.hasExpireTime()).isFalse();
    assertThat(daily.getExpireTime().getSeconds())
        .isBetween(Instant.now().getEpochSecond() + 86390, Instant.now().getEpochSecond() + 86400);

    Instant before = Instant.now().minusSeconds(1);
    iam(daily.getToken()).whoAmI(WhoAmIRequest.getDefaultInstance());

    var shown =
        iam(admin).getPrincipal(GetPrincipalRequest.newBuilder().setName("users/shown").build());
    TokenInfo lastingInfo =
        shown.getTokensList().stream()
            .filter(t -> t.getId().equals(lasting.getTokenId()))
            .findFirst()
            .orElseThrow();
    TokenInfo dailyInfo =
        shown.getTokensList().stream()
            .filter(t -> t.getId().equals(daily.getTokenId()))
            .findFirst()
            .orElseThrow();
    assertThat(lastingInfo.hasExpireTime()).isFalse();
    assertThat(lastingInfo.hasLastUseTime()).isFalse();
    assertThat(dailyInfo.getExpireTime()).isEqualTo(daily.getExpireTime());
    assertThat(dailyInfo.getLastUseTime().getSeconds())
        .isGreaterThanOrEqualTo(before.getEpochSecond());
    assertThat(shown.toString())
        .doesNotContain(daily.getToken())
        .doesNotContain(lasting.getToken());
  }

  @Test
  void aNonsenseTtlIsRefusedAndIssuesNothing() throws Exception {
    iam(admin).createPrincipal(CreatePrincipalRequest.newBuilder().setName("users/nottl").build());
    var refused =
        rest(admin, "POST", "/api/v1/iam/principals/users/nottl/tokens", "{\"ttl\": \"-5s\"}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("ttl");
    assertThat(
            iam(admin)
                .getPrincipal(GetPrincipalRequest.newBuilder().setName("users/nottl").build())
                .getTokensCount())
        .isZero();
  }
}
