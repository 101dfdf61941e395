package dev.trestle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryRequest;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.ErrorDetail;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.FieldViolation;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  @TempDir Path home;
  @FakeServer FakeManagementServer server;

  private CliRun audit(String... args) {
    return CliRun.verb(home, server, "audit", args);
  }

  static AuditEntry.Builder entry(long id, String fqn, AuditOperation op, AuditOutcome outcome) {
    return AuditEntry.newBuilder()
        .setId(id)
        // 2030-01-01T11:00:05.123456Z, a little under an hour before the fixed clock
        .setTime(
            Timestamp.newBuilder()
                .setSeconds(CliRun.NOW.getEpochSecond() - 3595)
                .setNanos(123456000))
        .setPrincipal("alice")
        .setOperation(op)
        .setOutcome(outcome)
        .setKind("Tenant")
        .setFqn(fqn)
        .setRequestId("req-" + id);
  }

  private static AuditQueryResponse page(String next, AuditEntry... entries) {
    return AuditQueryResponse.newBuilder()
        .addAllEntries(List.of(entries))
        .setNextPageToken(next)
        .build();
  }

  @Test
  void helpSaysUntilIsExclusiveAsTheServerTreatsIt() {
    CliRun r = CliRun.run(home, "audit", "--help");
    assertThat(r.exitCode).isZero();
    assertThat(r.out).contains("--until=TIME").contains("Only entries before TIME, exclusive");
    assertThat(r.out).doesNotContain("at or before");
  }

  @Test
  void deniedAtTheRootSuggestsTheResourceFlag() {
    server.onAuditQuery =
        r -> {
          throw FakeManagementServer.failure(
              Status.PERMISSION_DENIED,
              FakeManagementServer.detail(
                  "PERMISSION_DENIED",
                  "",
                  "permission denied: users/alice may not READ at the root; name a resource you"
                      + " may read with resource=FQN"));
        };
    CliRun r = audit("--since", "1h");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err)
        .isEqualTo(
            "error: permission denied: users/alice may not READ at the root; name a resource you"
                + " may read with --resource FQN [-r]\n");
  }

  @Test
  void everyFlagGoesIntoTheRequest() {
    CliRun r =
        audit(
            "--resource",
            "organizations/acme",
            "-r",
            "--principal",
            "alice",
            "--kind",
            "tn",
            "--operation",
            "Update",
            "--outcome",
            "REFUSED",
            "--since",
            "1h",
            "--until",
            "2030-01-01T11:30:00Z",
            "--text",
            "weight",
            "--limit",
            "20",
            "--page-token",
            "tok");
    assertThat(r.exitCode).as(r.toString()).isZero();
    AuditQueryRequest sent = server.requests(AuditQueryRequest.class).get(0);
    assertThat(sent)
        .isEqualTo(
            AuditQueryRequest.newBuilder()
                .setResource("organizations/acme")
                .setRecursive(true)
                .setPrincipal("alice")
                .setKind("tn")
                .setOperation(AuditOperation.UPDATE)
                .setOutcome(AuditOutcome.REFUSED)
                .setSince("1h")
                .setUntil("2030-01-01T11:30:00Z")
                .setText("weight")
                .setPageSize(20)
                .setPageToken("tok")
                .build());
  }

  @Test
  void withoutFlagsItAsksForTheFirstPageOfEverything() {
    CliRun r = audit();
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEmpty();
    assertThat(r.err).isEqualTo("No audit entries found.\n");
    assertThat(server.requests(AuditQueryRequest.class))
        .containsExactly(
            AuditQueryRequest.newBuilder().setPageSize(AuditCommand.DEFAULT_PAGE_SIZE).build());
  }

  @Test
  void tableShowsUtcSecondsAndCutsLongMessages() {
    String longMessage =
        "2 fields changed: spec.subsets[0].weight, spec.subsets[1].weight, spec.retries.attempts";
    server.onAuditQuery =
        q ->
            page(
                "",
                entry(
                        7,
                        "organizations/acme/tenants/payments",
                        AuditOperation.UPDATE,
                        AuditOutcome.ACCEPTED)
                    .setVersion(3)
                    .setMessage(longMessage)
                    .build(),
                entry(6, "organizations/acme/tenants/x", AuditOperation.APPLY, AuditOutcome.REFUSED)
                    .setKind("")
                    .setMessage("metadata.name: is required\nfor Tenant")
                    .build());
    CliRun r = audit();
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out)
        .isEqualTo(
            "TIME                   PRINCIPAL   OP       OUTCOME    KIND     FQN                  "
                + "                 VERSION   MESSAGE\n"
                + "2030-01-01T11:00:05Z   alice       update   accepted   Tenant   "
                + "organizations/acme/tenants/payments   3         "
                + longMessage.substring(0, 59)
                + "…\n"
                + "2030-01-01T11:00:05Z   alice       apply    refused    -        "
                + "organizations/acme/tenants/x          -         "
                + "metadata.name: is required for Tenant\n");
    assertThat(r.err).isEmpty();
  }

  @Test
  void jsonIsAStableObjectWithFullMessagesAndUnescapedQuotes() throws Exception {
    String message = "refused: tenant 'payments' is \"protected\"";
    server.onAuditQuery =
        q ->
            page(
                "next-1",
                entry(
                        9,
                        "organizations/acme/tenants/payments",
                        AuditOperation.DELETE,
                        AuditOutcome.REFUSED)
                    .setMessage(message)
                    .build(),
                entry(8, "organizations/acme", AuditOperation.UPDATE, AuditOutcome.ACCEPTED)
                    .setVersion(2)
                    .setMessage("1 field changed: spec.displayName")
                    .addChanges(
                        FieldChange.newBuilder()
                            .setPath("spec.displayName")
                            .setBefore("\"ACME\"")
                            .setAfter("\"Acme Corp\""))
                    .build());
    CliRun r = audit("-o", "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).doesNotContain("\\u0027").contains("tenant 'payments'");
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly("entries", "nextPageToken", "rowsExamined", "scanBudgetExhausted");
    assertThat(json.get("scanBudgetExhausted").asBoolean()).isFalse();
    assertThat(json.get("nextPageToken").asText()).isEqualTo("next-1");
    JsonNode first = json.get("entries").get(0);
    assertThat(first.fieldNames())
        .toIterable()
        .containsExactly(
            "changes",
            "fqn",
            "id",
            "kind",
            "message",
            "operation",
            "outcome",
            "principal",
            "requestId",
            "time",
            "version");
    assertThat(first.get("id").isNumber()).isTrue();
    assertThat(first.get("id").asLong()).isEqualTo(9);
    assertThat(first.get("version").isNumber()).isTrue();
    assertThat(first.get("operation").asText()).isEqualTo("DELETE");
    assertThat(first.get("outcome").asText()).isEqualTo("REFUSED");
    assertThat(first.get("message").asText()).isEqualTo(message);
    assertThat(first.get("time").asText()).isEqualTo("2030-01-01T11:00:05.123456Z");
    JsonNode change = json.get("entries").get(1).get("changes").get(0);
    assertThat(change.get("after").asText()).isEqualTo("\"Acme Corp\"");
    // the hint is on stderr; stdout stays parseable
    assertThat(r.err).isEqualTo("next page: --page-token next-1\n");
  }

  @Test
  void emptyJsonStillHasBothKeys() throws Exception {
    CliRun r = audit("-o", "json");
    assertThat(r.exitCode).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out);
    assertThat(json.get("entries").isArray()).isTrue();
    assertThat(json.get("entries")).isEmpty();
    assertThat(json.get("nextPageToken").asText()).isEmpty();
    assertThat(r.err).isEmpty();
  }

  @Test
  void yamlOutputWorks() {
    server.onAuditQuery =
        q ->
            page(
                "",
                entry(1, "organizations/acme", AuditOperation.CREATE, AuditOutcome.ACCEPTED)
                    .setVersion(1)
                    .build());
    CliRun r = audit("-o", "yaml");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("entries:").contains("fqn: organizations/acme");
  }

  @Test
  void morePagesPrintTheNextTokenAsAHintOnStderr() {
    server.onAuditQuery =
        q ->
            page(
                "abc123",
                entry(5, "organizations/acme", AuditOperation.UPDATE, AuditOutcome.ACCEPTED)
                    .build());
    CliRun r = audit("--limit", "1");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out.lines()).hasSize(2);
    assertThat(r.err).isEqualTo("next page: --page-token abc123\n");
    assertThat(server.requests(AuditQueryRequest.class)).hasSize(1);
    assertThat(server.requests(AuditQueryRequest.class).get(0).getPageSize()).isEqualTo(1);
  }

  @Test
  void aPageCutByTheScanBudgetSaysSoAndHowToContinue() throws Exception {
    server.onAuditQuery =
        q ->
            AuditQueryResponse.newBuilder()
                .setNextPageToken("resume-1")
                .setScanBudgetExhausted(true)
                .setRowsExamined(5000)
                .build();
    CliRun r = audit("--text", "cascade");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).isEmpty();
    assertThat(r.err)
        .isEqualTo(
            "scanned 5000 rows without filling the page; continue with --page-token resume-1\n");

    CliRun json = audit("--text", "cascade", "-o", "json");
    JsonNode tree = new ObjectMapper().readTree(json.out);
    assertThat(tree.get("scanBudgetExhausted").asBoolean()).isTrue();
    assertThat(tree.get("rowsExamined").asLong()).isEqualTo(5000);
    assertThat(tree.get("nextPageToken").asText()).isEqualTo("resume-1");
  }

  @Test
  void allContinuesThroughPagesCutByTheScanBudget() {
    server.onAuditQuery =
        q -> {
          var b = AuditQueryResponse.newBuilder().setRowsExamined(10);
          switch (q.getPageToken()) {
            case "" -> b.setNextPageToken("s1").setScanBudgetExhausted(true);
            case "s1" ->
                b.addEntries(
                        entry(
                            2, "organizations/acme", AuditOperation.UPDATE, AuditOutcome.ACCEPTED))
                    .setNextPageToken("s2")
                    .setScanBudgetExhausted(true);
            default ->
                b.addEntries(
                    entry(1, "organizations/acme", AuditOperation.CREATE, AuditOutcome.ACCEPTED));
          }
          return b.build();
        };
    CliRun r = audit("--all", "--text", "x");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.err).isEmpty();
    assertThat(r.out.lines()).hasSize(3); // header and two entries
    assertThat(server.requests(AuditQueryRequest.class))
        .extracting(AuditQueryRequest::getPageToken)
        .containsExactly("", "s1", "s2");
  }

  /** Pages of two entries: "" -> p1 -> p2 -> end, six entries in all. */
  private void threePagesOfTwo() {
    server.onAuditQuery =
        q -> {
          String token = q.getPageToken();
          int pageNo = token.isEmpty() ? 0 : Integer.parseInt(token.substring(1));
          var b = AuditQueryResponse.newBuilder();
          for (int i = 0; i < 2; i++) {
            long id = 6 - (pageNo * 2L + i);
            b.addEntries(
                entry(id, "organizations/acme", AuditOperation.UPDATE, AuditOutcome.ACCEPTED));
          }
          if (pageNo < 2) {
            b.setNextPageToken("p" + (pageNo + 1));
          }
          return b.build();
        };
  }

  @Test
  void allFollowsEveryPageWithoutAHint() {
    threePagesOfTwo();
    CliRun r = audit("--all", "-o", "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.err).isEmpty();
    assertThat(r.out).contains("\"nextPageToken\" : \"\"");
    List<AuditQueryRequest> sent = server.requests(AuditQueryRequest.class);
    assertThat(sent).extracting(AuditQueryRequest::getPageToken).containsExactly("", "p1", "p2");
    // one page size throughout: a token is only valid for the page size it was issued for
    assertThat(sent)
        .extracting(AuditQueryRequest::getPageSize)
        .containsOnly(AuditCommand.MAX_PAGE_SIZE);
    assertThat(r.out).contains("\"id\" : 1").contains("\"id\" : 6");
  }

  @Test
  void allWithLimitStopsAtTheTotalAndSaysThereIsMore() {
    threePagesOfTwo();
    CliRun r = audit("--all", "--limit", "2");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out.lines()).hasSize(3);
    assertThat(r.err)
        .isEqualTo("(showing the first 2 entries; there are more — raise --limit or drop it)\n");
    assertThat(server.requests(AuditQueryRequest.class))
        .extracting(AuditQueryRequest::getPageSize)
        .containsExactly(2);
  }

  @Test
  void allWithLimitCutInsideAPageGivesNoToken() {
    threePagesOfTwo();
    // the fake serves pages of two whatever size is asked for, so --limit 3 ends inside page 2
    CliRun r = audit("--all", "--limit", "3", "-o", "json");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.out).contains("\"nextPageToken\" : \"\"");
    assertThat(r.out).contains("\"id\" : 4").doesNotContain("\"id\" : 3");
    assertThat(r.err).contains("showing the first 3 entries");
  }

  @Test
  void allFromAPageTokenKeepsTheDefaultPageSizeSoTheTokenStaysValid() {
    threePagesOfTwo();
    CliRun r = audit("--all", "--page-token", "p1");
    assertThat(r.exitCode).as(r.toString()).isZero();
    List<AuditQueryRequest> sent = server.requests(AuditQueryRequest.class);
    assertThat(sent).extracting(AuditQueryRequest::getPageToken).containsExactly("p1", "p2");
    assertThat(sent)
        .extracting(AuditQueryRequest::getPageSize)
        .containsOnly(AuditCommand.DEFAULT_PAGE_SIZE);
    assertThat(r.out.lines()).hasSize(5);
  }

  @Test
  void allStopsWhenTheServerRepeatsAToken() {
    server.onAuditQuery =
        q ->
            page(
                "same",
                entry(1, "organizations/acme", AuditOperation.UPDATE, AuditOutcome.ACCEPTED)
                    .build());
    CliRun r = audit("--all");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).contains("returned the same page token twice");
  }

  @Test
  void unknownOperationOrOutcomeIsAUsageErrorListingTheAcceptedValues() {
    CliRun op = audit("--operation", "patch");
    assertThat(op.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(op.err).contains("--operation").contains("create, update, delete, apply");
    CliRun outcome = audit("--outcome", "ok");
    assertThat(outcome.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(outcome.err).contains("accepted, refused");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void limitOutsideItsRangeIsAUsageError() {
    assertThat(audit("--limit", "0").exitCode).isEqualTo(ExitCodes.USAGE);
    CliRun big = audit("--limit", "5000");
    assertThat(big.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(big.err).contains("--limit is at most 1000").contains("--all --limit 5000");
    assertThat(server.requests).isEmpty();
  }

  @Test
  void allAllowsALimitAboveOnePage() {
    CliRun r = audit("--all", "--limit", "5000");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(server.requests(AuditQueryRequest.class).get(0).getPageSize())
        .isEqualTo(AuditCommand.MAX_PAGE_SIZE);
  }

  @Test
  void aFilterTheServerRejectsIsAUsageErrorNamingTheFlag() {
    server.onAuditQuery =
        q -> {
          String description =
              "'3x' is neither an RFC 3339 time (2026-01-31T12:00:00Z) nor a duration"
                  + " (15m, 1h, 7d)";
          throw FakeManagementServer.failure(
              Status.INVALID_ARGUMENT,
              ErrorDetail.newBuilder()
                  .setCode("INVALID_ARGUMENT")
                  .setMessage("since: " + description)
                  .addFieldViolations(
                      FieldViolation.newBuilder().setField("since").setDescription(description))
                  .build());
        };
    CliRun r = audit("--since", "3x");
    assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .startsWith(
            "error: --since: '3x' is neither an RFC 3339 time (2026-01-31T12:00:00Z) nor a"
                + " duration (15m, 1h, 7d)\n")
        .contains("trestle audit --help");
  }

  @Test
  void aRejectedPageTokenNamesThePageTokenFlag() {
    server.onAuditQuery =
        q -> {
          throw FakeManagementServer.failure(
              Status.INVALID_ARGUMENT,
              ErrorDetail.newBuilder()
                  .setMessage("pageToken: was issued for a query with other filters")
                  .addFieldViolations(
                      FieldViolation.newBuilder()
                          .setField("pageToken")
                          .setDescription("was issued for a query with other filters"))
                  .build());
        };
    CliRun r = audit("--page-token", "zzz");
    assertThat(r.exitCode).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err)
        .startsWith(
            "error: --page-token: was issued for a query with other filters (a token only works"
                + " with the filters and --limit of the run that printed it)\n");
  }

  @Test
  void otherServerErrorsAreFailures() {
    server.onAuditQuery =
        q -> {
          throw FakeManagementServer.failure(
              Status.UNAVAILABLE,
              FakeManagementServer.detail("UNAVAILABLE", "", "the audit log is not ready yet"));
        };
    CliRun r = audit();
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err).isEqualTo("error: the audit log is not ready yet\n");
  }

  @Test
  void unreachableServerIsAFailureWithOneLine() {
    CliRun r = CliRun.run(home, "--server", "127.0.0.1:1", "--timeout", "2s", "audit");
    assertThat(r.exitCode).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err.lines())
        .singleElement()
        .asString()
        .startsWith("error: cannot reach the trestle server at 127.0.0.1:1");
  }

  @Test
  void helpDescribesTheHintAndTheExitCodes() {
    CliRun r = CliRun.run(home, "audit", "--help");
    assertThat(r.exitCode).isZero();
    assertThat(r.out)
        .contains("next page: --page-token TOKEN")
        .contains("--operation=OP")
        .contains("create, update, delete, apply")
        .contains("usage error, also a filter the server rejects");
  }

  @Test
  void messagesAreCutOnlyWhenLong() {
    assertThat(AuditTables.truncate("short", 10)).isEqualTo("short");
    assertThat(AuditTables.truncate("0123456789", 10)).isEqualTo("0123456789");
    assertThat(AuditTables.truncate("0123456789a", 10)).isEqualTo("012345678…");
  }
}
