package dev.trestle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.ResourceDocuments;
import dev.trestle.protocol.v1.ApplyRequest;
import dev.trestle.protocol.v1.DeleteRequest;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.ManagementServiceGrpc;
import dev.trestle.protocol.v1.Resource;
import dev.trestle.testing.TestCentral;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gRPC and REST façades go through one {@link Admission}: the same over-limit input is refused
 * by both with the same code and the same reason.
 */
class AdmissionParityTest {
  private static final Metadata.Key<ErrorDetail> DETAIL =
      Metadata.Key.of(
          "trestle-error-bin", ProtoUtils.metadataMarshaller(ErrorDetail.getDefaultInstance()));
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestCentral central;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    // A burst of 2 writes and almost no refill, so the third write of a principal is refused.
    central = TestCentral.start("trestle.limits { writes-per-second = 0.001, write-burst = 2 }\n");
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", central.apiPort(), InsecureChannelCredentials.create())
            .maxInboundMessageSize(16 * 1024 * 1024)
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    central.close();
  }

  @Test
  void tooManyDocumentsAreRefusedAlikeWithoutCountingAgainstTheRate() throws Exception {
    String yaml =
        String.join(
            "---\n",
            IntStream.rangeClosed(0, Admission.MAX_DOCUMENTS_PER_APPLY)
                .mapToObj(i -> org("count-" + i))
                .toList());
    ErrorDetail grpc = grpcRefusal("users/count", Status.Code.INVALID_ARGUMENT, yaml);
    JsonNode rest = restRefusal("users/count", 400, yaml);

    assertThat(grpc.getCode()).isEqualTo("INVALID_ARGUMENT").isEqualTo(rest.get("code").asText());
    assertThat(grpc.getMessage())
        .isEqualTo("an apply holds at most 1000 documents, got 1001")
        .isEqualTo(rest.get("message").asText());
  }

  @Test
  void tooLargeRequestsAreRefusedAlike() throws Exception {
    String yaml =
        "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: big, description: \""
            + "x".repeat(Admission.MAX_REQUEST_BYTES)
            + "\"}\n";
    var big = Resource.newBuilder(docs(org("big")).get(0));
    big.getMetadataBuilder().setDescription("x".repeat(Admission.MAX_REQUEST_BYTES));
    ErrorDetail grpc =
        refusal(
            "users/big",
            Status.Code.RESOURCE_EXHAUSTED,
            ApplyRequest.newBuilder().addResources(big).setDryRun(true).build());
    JsonNode rest = restRefusal("users/big", 413, yaml);

    assertThat(grpc.getCode()).isEqualTo("TOO_LARGE").isEqualTo(rest.get("code").asText());
    String reason = "; the limit is 4194304 bytes (4 MiB) per apply";
    assertThat(grpc.getMessage()).startsWith("the request is ").endsWith(reason);
    assertThat(rest.get("message").asText()).startsWith("the request is ").endsWith(reason);
  }

  @Test
  void theRateLimitIsOneBucketForBothFacades() throws Exception {
    var stub = stub("users/rate");
    stub.apply(ApplyRequest.newBuilder().addAllResources(docs(org("rate-1"))).build());
    var rest = rest("users/rate", "/api/v1/apply", org("rate-2"));
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);

    ErrorDetail grpc = grpcRefusal("users/rate", Status.Code.RESOURCE_EXHAUSTED, org("rate-3"));
    JsonNode restRefused = restRefusal("users/rate", 429, org("rate-3"));
    assertThat(grpc.getCode())
        .isEqualTo("RATE_LIMITED")
        .isEqualTo(restRefused.get("code").asText());
    String reason = "write rate limit for users/rate exceeded (0/s, burst 2); retry in";
    assertThat(grpc.getMessage()).startsWith(reason);
    assertThat(restRefused.get("message").asText()).startsWith(reason);

    // deletes draw from the same bucket, over both façades
    var deleted =
        catchThrowableOfType(
            () -> stub.delete(DeleteRequest.newBuilder().setFqn("organizations/rate-1").build()),
            StatusRuntimeException.class);
    assertThat(deleted.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(deleted.getTrailers().get(DETAIL).getMessage()).startsWith(reason);
    var restDelete =
        http.send(
            request("users/rate", "/api/v1/organizations/rate-1").DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(restDelete.statusCode()).isEqualTo(429);
    assertThat(CanonicalJson.MAPPER.readTree(restDelete.body()).get("message").asText())
        .startsWith(reason);

    // dry runs draw from the same bucket too (issue 16: they could otherwise probe unlimited)
    var dryRun =
        catchThrowableOfType(
            () ->
                stub.apply(
                    ApplyRequest.newBuilder()
                        .addAllResources(docs(org("rate-4")))
                        .setDryRun(true)
                        .build()),
            StatusRuntimeException.class);
    assertThat(dryRun.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(dryRun.getTrailers().get(DETAIL).getMessage()).startsWith(reason);
    var restDryRun = rest("users/rate", "/api/v1/apply?dryRun", org("rate-4"));
    assertThat(restDryRun.statusCode()).isEqualTo(429);
    assertThat(CanonicalJson.MAPPER.readTree(restDryRun.body()).get("message").asText())
        .startsWith(reason);
  }

  private static String org(String name) {
    return "apiVersion: trestle.dev/v1\nkind: Organization\nmetadata: {name: " + name + "}\n";
  }

  private static List<Resource> docs(String yaml) {
    return ResourceDocuments.parse(yaml).stream().map(d -> d.resource()).toList();
  }

  private static ManagementServiceGrpc.ManagementServiceBlockingStub stub(String principal) {
    var headers = new Metadata();
    headers.put(Metadata.Key.of("x-trestle-user", Metadata.ASCII_STRING_MARSHALLER), principal);
    return ManagementServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static ErrorDetail grpcRefusal(String principal, Status.Code status, String yaml) {
    return refusal(
        principal, status, ApplyRequest.newBuilder().addAllResources(docs(yaml)).build());
  }

  private static ErrorDetail refusal(String principal, Status.Code status, ApplyRequest request) {
    var e =
        catchThrowableOfType(() -> stub(principal).apply(request), StatusRuntimeException.class);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(status);
    return e.getTrailers().get(DETAIL);
  }

  private static JsonNode restRefusal(String principal, int status, String yaml) throws Exception {
    var response = rest(principal, "/api/v1/apply", yaml);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return CanonicalJson.MAPPER.readTree(response.body());
  }

  private static HttpResponse<String> rest(String principal, String path, String yaml)
      throws Exception {
    return http.send(
        request(principal, path).POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String principal, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.apiPort() + path))
        .header("x-trestle-user", principal);
  }
}
