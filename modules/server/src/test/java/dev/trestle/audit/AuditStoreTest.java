package dev.trestle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trestle.storage.ReadModelDatabase;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestStorage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Audit SQL against a real database (in-memory H2 here, PostgreSQL in the subclass): filters,
 * keyset paging, retention.
 */
@ExtendWith(StorageSelection.class)
class AuditStoreTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private ReadModelDatabase db;
  private AuditStore store;

  @BeforeEach
  void setUp(TestStorage storage) throws Exception {
    db = storage.freshReadModels(2);
    try (var c = db.connection()) {
      AuditSchema.migrate(c);
      AuditSchema.migrate(c); // re-runnable
    }
    store = new AuditStore(db.dataSource());
    for (int i = 0; i < 25; i++) {
      long t = AuditProjectionHandler.micros(NOW.minusSeconds(60L * (25 - i)));
      var row =
          new AuditRow(
              0,
              t,
              i % 2 == 0 ? "alice" : "bob",
              i % 5 == 0 ? "CREATE" : "UPDATE",
              AuditRow.ACCEPTED,
              "Tenant",
              "organizations/o/tenants/t" + (i % 3),
              i + 1L,
              "r" + i,
              "updated Tenant version " + (i + 1),
              "[]");
      try (var c = db.connection()) {
        AuditStore.insertAccepted(c, row, "p" + (i % 3), i);
        AuditStore.insertAccepted(c, row, "p" + (i % 3), i); // duplicate delivery is ignored
      }
    }
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private AuditFilter filter(String principal, String since, int pageSize, String token) {
    return AuditFilter.parse(
        new AuditFilter.Request("", false, principal, "", "", "", since, "", "", pageSize, token),
        CLOCK);
  }

  private java.util.List<AuditRow> rows(AuditFilter f) throws Exception {
    return store.query(f, AuditQueries.DEFAULT_SCAN_BUDGET).rows();
  }

  @Test
  void duplicateDeliveriesAreStoredOnce() throws Exception {
    assertThat(rows(filter("", "", 1000, ""))).hasSize(25);
  }

  @Test
  void sinceIsRelativeToNow() throws Exception {
    assertThat(rows(filter("", "10m", 1000, ""))).hasSize(10);
    assertThat(rows(filter("bob", "10m", 1000, ""))).hasSize(5);
    assertThat(rows(filter("", "2026-06-01T11:50:00Z", 1000, ""))).hasSize(10);
  }

  @Test
  void keysetPagesCoverEverythingOnce() throws Exception {
    var seen = new ArrayList<Long>();
    String token = "";
    do {
      var f = filter("", "", 4, token);
      var result = store.query(f, AuditQueries.DEFAULT_SCAN_BUDGET);
      assertThat(result.rows()).hasSizeLessThanOrEqualTo(4);
      result.rows().forEach(r -> seen.add(r.id()));
      token = result.next() == null ? "" : f.tokenAt(result.next());
    } while (!token.isEmpty());
    assertThat(seen).hasSize(25).doesNotHaveDuplicates();
  }

  @Test
  void relativeWindowsPageWithTheWindowOfTheFirstPage() throws Exception {
    var first =
        AuditFilter.parse(
            new AuditFilter.Request("", false, "", "", "", "", "20m", "", "", 4, ""), CLOCK);
    var rows = rows(first);
    String token = first.tokenAfter(rows.get(3));
    Clock later = Clock.fixed(NOW.plusSeconds(300), ZoneOffset.UTC);
    var second =
        AuditFilter.parse(
            new AuditFilter.Request("", false, "", "", "", "", "20m", "", "", 4, token), later);
    assertThat(second.sinceMicros()).isEqualTo(first.sinceMicros());
    var page2 = store.query(second, AuditQueries.DEFAULT_SCAN_BUDGET);
    assertThat(page2.rows()).hasSize(4);
    assertThat(page2.next()).isNotNull();
  }

  @Test
  void retentionDeletesOnlyOldRows() throws Exception {
    long cutoff = AuditProjectionHandler.micros(NOW.minusSeconds(600));
    assertThat(store.deleteOlderThan(cutoff, 7)).isEqualTo(15);
    assertThat(rows(filter("", "", 1000, ""))).hasSize(10);
  }
}
