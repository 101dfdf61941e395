package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.HistoryEntry;
import dev.trestle.protocol.v1.HistoryRequest;
import dev.trestle.protocol.v1.HistoryResponse;
import dev.trestle.protocol.v1.ListResponse;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCommandTest {
  static final String FQN = "organizations/acme/tenants/payments";

  @TempDir Path home;
  @FakeServer FakeManagementServer server;

  @BeforeEach
  void start() throws Exception {
    server.onHistory = r -> deletedAfterOneUpdate(r.getFqn());
  }

  private CliRun history(String... args) {
    return CliRun.verb(home, server, "history", args);
  }

  private static Timestamp minutesAgo(long minutes) {
    return Timestamp.newBuilder()
        .setSeconds(CliRun.NOW.getEpochSecond() - minutes * 60)
        .setNanos(999_000_000)
        .build();
  }

  /** Deleted at version 3, after a create and one update; newest first, as the server sends. */
  static HistoryResponse deletedAfterOneUpdate(String fqn) {
    return HistoryResponse.newBuilder()
        .setFqn(fqn)
        .addEntries(
            HistoryEntry.newBuilder()
                .setVersion(3)
                .setTime(minutesAgo(5))
                .setPrincipal("bob")
                .setOperation(AuditOperation.DELETE)
                .setRequestId("r3")
                .setSummary("deleted")
                .addChanges(
                    FieldChange.newBuilder().setPath("spec.displayName").setBefore("\"Pay\"")))
        .addEntries(
            HistoryEntry.newBuilder()
                .setVersion(2)
                .setTime(minutesAgo(30))
                .setPrincipal("alice")
                .setOperation(AuditOperation.UPDATE)
                .setRequestId("r2")
                .setSummary("1 field changed: spec.displayName")
                .addChanges(
                    FieldChange.newBuilder()
                        .setPath("spec.displayName")
                        .setBefore("\"Payments\"")
                        .setAfter("\"Pay\"")))
        .addEntries(
            HistoryEntry.newBuilder()
                .setVersion(1)
                .setTime(minutesAgo(60))
                .setPrincipal("alice")
                .setOperation(AuditOperation.CREATE)
                .setRequestId("r1")
                .setSummary("created")
                .addChanges(
                    FieldChange.newBuilder().setAfter("{\"spec\":{\"displayName\":\"Payments\"}}")))
        .build();
  }

  @Test
  void tableListsVersionsNewestFirst() {
    CliRun r = history(FQN);
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "VERSION   TIME                   PRINCIPAL   OP       SUMMARY\n"
                + "3         2030-01-01T11:55:00Z   bob         delete   deleted\n"
                + "2         2030-01-01T11:30:00Z   alice       update   "
                + "1 field changed: spec.displayName\n"
                + "1         2030-01-01T11:00:00Z   alice       create   created\n");
    assertThat(server.requests(HistoryRequest.class))
        .extracting(HistoryRequest::getFqn)
        .containsExactly(FQN);
  }

  @Test
  void changesAreListedUnderTheirRows() {
    CliRun r = history(FQN, "--changes");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "VERSION   TIME                   PRINCIPAL   OP       SUMMARY\n"
                + "3         2030-01-01T11:55:00Z   bob         delete   deleted\n"
                + "    spec.displayName: \"Pay\" -> (none)\n"
                + "2         2030-01-01T11:30:00Z   alice       update   "
                + "1 field changed: spec.displayName\n"
                + "    spec.displayName: \"Payments\" -> \"Pay\"\n"
                + "1         2030-01-01T11:00:00Z   alice       create   created\n"
                + "    (whole resource): (none) -> {\"spec\":{\"displayName\":\"Payments\"}}\n");
  }

  @Test
  void kindAndNameWithParentFlagsNeedNoLookup() {
    CliRun r = history("tenant", "payments", "--org", "acme");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(HistoryRequest.class))
        .extracting(HistoryRequest::getFqn)
        .containsExactly(FQN);
    assertThat(server.requests).hasSize(1);
  }

  @Test
  void nameWithoutParentsIsSearchedAmongLiveResources() {
    server.onList =
        r ->
            ListResponse.newBuilder()
                .addResources(TestResources.tenant("acme", "payments", 2))
                .build();
    CliRun r = history("tn", "payments");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(HistoryRequest.class))
        .extracting(HistoryRequest::getFqn)
        .containsExactly(FQN);
  }

  @Test
  void aDeletedNameWithoutParentsSaysToGiveTheFqn() {
    CliRun r = history("tenant", "payments");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: no tenant named 'payments' (searched without --org); a deleted tenant is found"
                + " only by its FQN or with --org\n");
    assertThat(server.requests(HistoryRequest.class)).isEmpty();
  }

  @Test
  void jsonHasTheFullResponse() throws Exception {
    CliRun r = history(FQN, "-o", "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.get("fqn").asText()).isEqualTo(FQN);
    assertThat(json.get("entries")).hasSize(3);
    JsonNode newest = json.get("entries").get(0);
    assertThat(newest.get("version").isNumber()).isTrue();
    assertThat(newest.get("version").asLong()).isEqualTo(3);
    assertThat(newest.get("operation").asText()).isEqualTo("DELETE");
    assertThat(newest.get("changes").get(0).get("after").asText()).isEmpty();
  }

  @Test
  void neverExistedIsAFailureWithTheServersMessage() {
    server.onHistory =
        q -> {
          throw FakeManagementServer.failure(
              Status.NOT_FOUND,
              FakeManagementServer.detail(
                  "NOT_FOUND", q.getFqn(), q.getFqn() + " has no history: it never existed"));
        };
    CliRun r = history("organizations/acme/tenants/nope");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo("error: organizations/acme/tenants/nope has no history: it never existed\n");
  }

  @Test
  void malformedArgumentsAreUsageErrorsAndCallNothing() {
    CliRun kindOnly = history("tenant");
    assertThat(kindOnly.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(kindOnly.err).startsWith("error: history tenant needs a NAME");
    CliRun badFqn = history("organizations/Acme!");
    assertThat(badFqn.exitCode).isEqualTo(ExitCodes.USAGE);
    CliRun both = history(FQN, "x");
    assertThat(both.exitCode).isEqualTo(ExitCodes.USAGE);
    CliRun wrongKind = history("workspace", FQN);
    assertThat(wrongKind.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(wrongKind.err).contains("is a tenant, not a workspace");
    assertThat(server.requests).isEmpty();
  }
}
