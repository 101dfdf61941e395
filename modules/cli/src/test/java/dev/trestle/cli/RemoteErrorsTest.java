package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldViolation;
import io.grpc.Status;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteErrorsTest {
  private static final ServerAddress SERVER = ServerAddress.parse("127.0.0.1:9080");

  @Test
  void prefixesTheFqnWhenTheMessageDoesNotNameIt() {
    ErrorDetail d =
        FakeManagementServer.detail(
            "NOT_FOUND",
            "organizations/acme/tenants/x",
            "parent organizations/acme does not exist");
    assertThat(RemoteErrors.describe(d))
        .isEqualTo("organizations/acme/tenants/x: parent organizations/acme does not exist");
  }

  @Test
  void doesNotRepeatAnFqnTheMessageAlreadyStartsWith() {
    ErrorDetail d =
        FakeManagementServer.detail(
            "CONFLICT", "organizations/acme", "organizations/acme: version 2 is stale");
    assertThat(RemoteErrors.describe(d)).isEqualTo("organizations/acme: version 2 is stale");
    assertThat(RemoteErrors.withoutFqn(d)).isEqualTo("version 2 is stale");
  }

  @Test
  void addsFieldViolationsChildrenAndCurrentVersionOnOneLine() {
    ErrorDetail d =
        ErrorDetail.newBuilder()
            .setFqn("organizations/acme")
            .setMessage("invalid\nspec")
            .addFieldViolations(
                FieldViolation.newBuilder().setField("spec.weight").setDescription("must be 0-100"))
            .addAllChildren(List.of("a", "b", "c", "d", "e", "f", "g"))
            .setCurrentVersion(4)
            .build();
    assertThat(RemoteErrors.describe(d))
        .isEqualTo(
            "organizations/acme: invalid spec; spec.weight: must be 0-100; children: a, b, c, d, e"
                + " and 2 more; current version is 4");
  }

  @Test
  void readsTheErrorDetailTrailer() {
    ErrorDetail d = FakeManagementServer.detail("ALREADY_EXISTS", "organizations/acme", "exists");
    var e = FakeManagementServer.failure(Status.ALREADY_EXISTS, d);
    assertThat(RemoteErrors.detail(e)).contains(d);
    assertThat(RemoteErrors.describe(e, SERVER, Duration.ofSeconds(1)))
        .isEqualTo("organizations/acme: exists");
  }

  @Test
  void explainsTransportFailuresWithoutDetail() {
    var refused =
        Status.UNAVAILABLE
            .withDescription("io exception")
            .withCause(
                new RuntimeException(
                    new ConnectException("finishConnect(..) failed: Connection refused")))
            .asRuntimeException();
    assertThat(RemoteErrors.describe(refused, SERVER, Duration.ofSeconds(10)))
        .startsWith("cannot reach the trestle server at 127.0.0.1:9080 (connection refused)");
    assertThat(
            RemoteErrors.describe(
                Status.DEADLINE_EXCEEDED.asRuntimeException(), SERVER, Duration.ofSeconds(10)))
        .isEqualTo(
            "no answer from the trestle server at 127.0.0.1:9080 within 10s (raise --timeout)");
    assertThat(
            RemoteErrors.describe(
                Status.PERMISSION_DENIED.withDescription("no grant").asRuntimeException(),
                SERVER,
                Duration.ofSeconds(1)))
        .isEqualTo("permission denied: no grant");
  }
}
