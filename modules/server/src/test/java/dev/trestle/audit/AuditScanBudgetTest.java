package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trestle.core.ProblemException;
import dev.trestle.core.RefusalLog;
import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestStorage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scan budget: a filter no index answers stops after the budget, returns what it found and a
 * token that continues from the last row examined; paging that way yields exactly the rows of an
 * unbounded query, in the same order, none skipped or repeated.
 */
@ExtendWith(StorageSelection.class)
class AuditScanBudgetTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final int ROWS = 300;
  private static final int UNBOUNDED = Integer.MAX_VALUE;
  private static ReadModelDatabase db;
  private static AuditStore store;

  @BeforeAll
  static void fill(TestStorage storage) throws Exception {
    db = storage.freshReadModels(2);
    try (var c = db.connection()) {
      AuditSchema.migrate(c);
    }
    store = new AuditStore(db.dataSource());
    String[] principals = {"alice", "bob", "carol"};
    String[] kinds = {"Tenant", "ServiceRoute"};
    String[] fqns = {
      "organizations/o/tenants/a",
      "organizations/o/tenants/a/workspaces/w",
      "organizations/o/tenants/b",
      "organizations/other"
    };
    for (int i = 0; i < ROWS; i++) {
      // Three rows share each time stamp, so ties are broken by id across page boundaries.
      long t = AuditProjectionHandler.micros(NOW.minusSeconds(ROWS - i / 3));
      boolean needle = i % 7 == 0 || i % 11 == 0;
      var row =
          new AuditRow(
              0,
              t,
              principals[i % 3],
              i % 4 == 0 ? "CREATE" : "UPDATE",
              i % 5 == 0 ? AuditRow.REFUSED : AuditRow.ACCEPTED,
              kinds[i % 2],
              fqns[i % 4],
              i + 1L,
              "r" + i,
              (needle ? "updated NeedLe " : "updated hay ") + i,
              "[]");
      try (var c = db.connection()) {
        AuditStore.insertAccepted(c, row, "p", i);
      }
    }
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static AuditFilter.Request request(
      String text,
      String resource,
      boolean recursive,
      String principal,
      String kind,
      String outcome,
      int pageSize,
      String token) {
    return new AuditFilter.Request(
        resource, recursive, principal, kind, "", outcome, "", "", text, pageSize, token);
  }

  /** Every row id the query matches, from one unbounded query. */
  private static List<Long> everything(AuditFilter.Request r) throws Exception {
    var f = AuditFilter.parse(withPage(r, 1000, ""), CLOCK);
    var result = store.query(f, UNBOUNDED);
    assertThat(result.next()).isNull();
    assertThat(result.scanBudgetExhausted()).isFalse();
    return result.rows().stream().map(AuditRow::id).toList();
  }

  private static AuditFilter.Request withPage(AuditFilter.Request r, int pageSize, String token) {
    return new AuditFilter.Request(
        r.resource(),
        r.recursive(),
        r.principal(),
        r.kind(),
        r.operation(),
        r.outcome(),
        r.since(),
        r.until(),
        r.text(),
        pageSize,
        token);
  }

  /** Pages through with the tokens the store's positions give; checks each page's bounds. */
  private static Paged paged(AuditFilter.Request r, int pageSize, int budget) throws Exception {
    var ids = new ArrayList<Long>();
    int calls = 0;
    int partial = 0;
    String token = "";
    while (true) {
      var f = AuditFilter.parse(withPage(r, pageSize, token), CLOCK);
      var result = store.query(f, budget);
      calls++;
      assertThat(calls).as("pages").isLessThan(10 * ROWS);
      assertThat(result.rows()).hasSizeLessThanOrEqualTo(pageSize);
      // at most the budget, plus the rows read to notice that the page is full
      assertThat(result.rowsExamined()).isLessThanOrEqualTo(Math.max(budget, pageSize + 1));
      if (result.scanBudgetExhausted()) {
        partial++;
        assertThat(result.rowsExamined()).isEqualTo(budget);
        assertThat(result.rows()).hasSizeLessThan(pageSize + 1);
        assertThat(result.next()).isNotNull();
      }
      result.rows().forEach(row -> ids.add(row.id()));
      if (result.next() == null) {
        return new Paged(ids, calls, partial);
      }
      token = f.tokenAt(result.next());
    }
  }

  private record Paged(List<Long> ids, int calls, int partialPages) {}

  @Test
  void pagingUnderTinyBudgetsYieldsExactlyTheUnboundedResult() throws Exception {
    var queries =
        List.of(
            request("needle", "", false, "", "", "", 0, ""),
            request("needle", "", false, "bob", "", "", 0, ""), // principal index + text
            request("", "organizations/o/tenants/a", true, "", "", "", 0, ""), // subtree
            request("", "", false, "", "", "refused", 0, ""), // outcome
            request("", "", false, "alice", "Tenant", "", 0, ""), // principal index + kind
            request("needle", "organizations/o/tenants/a", true, "", "", "accepted", 0, ""));
    for (var q : queries) {
      List<Long> expected = everything(q);
      assertThat(expected).as("the query matches something: %s", q).isNotEmpty();
      for (int pageSize = 1; pageSize <= 4; pageSize++) {
        for (int budget = 1; budget <= 9; budget++) {
          var paged = paged(q, pageSize, budget);
          assertThat(paged.ids())
              .as("%s, page size %d, budget %d", q, pageSize, budget)
              .isEqualTo(expected);
        }
      }
      // a budget that often runs out mid-page, and a normal one that never does
      assertThat(paged(q, 5, 13).ids()).isEqualTo(expected);
      var roomy = paged(q, 1000, 5000);
      assertThat(roomy.ids()).isEqualTo(expected);
      assertThat(roomy.partialPages()).isZero();
    }
  }

  @Test
  void aTermThatMatchesNothingCostsOneBudgetPerCallNotTheTable() throws Exception {
    var q = request("no such words", "", false, "", "", "", 0, "");
    var f = AuditFilter.parse(withPage(q, 50, ""), CLOCK);
    var first = store.query(f, 40);
    assertThat(first.rows()).isEmpty();
    assertThat(first.rowsExamined()).isEqualTo(40);
    assertThat(first.scanBudgetExhausted()).isTrue();
    assertThat(first.next()).isNotNull();

    var all = paged(q, 50, 40);
    assertThat(all.ids()).isEmpty();
    assertThat(all.calls()).isEqualTo((ROWS + 39) / 40);
    // 300 = 7 x 40 + 20: seven budgets run out, the eighth call reaches the end
    assertThat(all.partialPages()).isEqualTo(ROWS / 40);
  }

  @Test
  void aBudgetThatEndsExactlyAtTheLastRowIsTheLastPage() throws Exception {
    var q = request("no such words", "", false, "", "", "", 0, "");
    var result = store.query(AuditFilter.parse(withPage(q, 50, ""), CLOCK), ROWS);
    assertThat(result.rowsExamined()).isEqualTo(ROWS);
    assertThat(result.scanBudgetExhausted()).isFalse();
    assertThat(result.next()).isNull();
  }

  @Test
  void aFullPageIsNotPartialEvenWhenTheBudgetIsSmall() throws Exception {
    // "updated" is in every message: the page fills long before any budget runs out
    var f = AuditFilter.parse(request("updated", "", false, "", "", "", 10, ""), CLOCK);
    var result = store.query(f, 11);
    assertThat(result.rows()).hasSize(10);
    assertThat(result.scanBudgetExhausted()).isFalse();
    assertThat(result.rowsExamined()).isEqualTo(11);
    assertThat(result.next())
        .isEqualTo(
            new AuditStore.Position(result.rows().get(9).timeMicros(), result.rows().get(9).id()));
  }

  @Test
  void filtersAnIndexAnswersFullyIgnoreTheBudget() throws Exception {
    for (var q :
        List.of(
            request("", "", false, "alice", "", "", 20, ""),
            request("", "organizations/o/tenants/a", false, "", "", "", 20, ""),
            request("", "", false, "", "Tenant", "", 20, ""))) {
      var result = store.query(AuditFilter.parse(q, CLOCK), 1);
      assertThat(result.rows()).as("%s", q).hasSize(20);
      assertThat(result.rowsExamined()).isEqualTo(21);
      assertThat(result.scanBudgetExhausted()).isFalse();
    }
  }

  @Test
  void theApiLayerFlagsPartialPagesAndItsTokensOnlyWorkWithTheSameFilters() throws Exception {
    var queries = new AuditQueries(store, null, Runnable::run, CLOCK, null, 10, RefusalLog.NONE);
    var q = request("needle", "", false, "", "", "", 50, "");
    var page = queries.query(q).toCompletableFuture().join();
    assertThat(page.scanBudgetExhausted()).isTrue();
    assertThat(page.rowsExamined()).isEqualTo(10);
    assertThat(page.nextPageToken()).isNotEmpty();
    var next = queries.query(withPage(q, 50, page.nextPageToken())).toCompletableFuture().join();
    assertThat(next.rowsExamined()).isEqualTo(10);
    assertThat(next.rows())
        .extracting(AuditRow::id)
        .doesNotContainAnyElementsOf(page.rows().stream().map(AuditRow::id).toList());

    // the same token with another text, or with a position whose filter fingerprint was edited
    var otherText = request("hay", "", false, "", "", "", 50, page.nextPageToken());
    assertThatThrownBy(() -> queries.query(otherText).toCompletableFuture().join())
        .hasRootCauseInstanceOf(ProblemException.class)
        .rootCause()
        .hasMessageContaining("pageToken");
    String decoded =
        new String(Base64.getUrlDecoder().decode(page.nextPageToken()), StandardCharsets.UTF_8);
    String[] parts = decoded.split(":");
    parts[3] = Integer.toHexString((int) (Long.parseLong(parts[3], 16) + 1));
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(String.join(":", parts).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> queries.query(withPage(q, 50, forged)).toCompletableFuture().join())
        .hasRootCauseInstanceOf(ProblemException.class)
        .rootCause()
        .hasMessageContaining("pageToken");
  }
}
