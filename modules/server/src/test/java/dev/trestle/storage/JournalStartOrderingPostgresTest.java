package dev.trestle.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trestle.testing.OnPostgres;
import dev.trestle.testing.StorageSelection;
import dev.trestle.testing.TestStorage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The journal's ordering at start on PostgreSQL, where another node may hold a lower ordering in an
 * open transaction: it is read only once that transaction has ended, so every ordering at or below
 * it is final; a journal transaction that outlasts the lock timeout leaves nothing recorded.
 */
@OnPostgres
@ExtendWith(StorageSelection.class)
class JournalStartOrderingPostgresTest {
  private TestStorage storage;
  private Connection otherNode;

  @BeforeEach
  void journal(TestStorage storage) throws SQLException {
    this.storage = storage;
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS \"event_journal\"");
      st.execute("CREATE TABLE \"event_journal\" (\"ordering\" BIGSERIAL, payload TEXT)");
      st.execute("INSERT INTO \"event_journal\" (payload) VALUES ('1'), ('2'), ('3')");
    }
    otherNode = connect();
    otherNode.setAutoCommit(false);
  }

  @AfterEach
  void close() throws SQLException {
    otherNode.close();
  }

  @Test
  void theOrderingIsReadOnceAnotherNodesOpenJournalTransactionHasEnded() throws Exception {
    // Another node took ordering 4 and has not committed; a third committed 5 meanwhile.
    insert(otherNode);
    try (Connection third = connect()) {
      insert(third);
    }
    var start = new JournalStartOrdering();
    CompletableFuture<OptionalLong> read =
        CompletableFuture.supplyAsync(
            () -> {
              try (Connection c = connect()) {
                return start.recordWhenWritersDone(c, Duration.ofSeconds(30));
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    // Without waiting it would record 5 while 4 can still commit: the gap below 5 is not final.
    await("still waiting for the other node's transaction")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !read.isDone() && start.ordering().isEmpty());

    otherNode.commit();

    assertThat(read.get(30, TimeUnit.SECONDS)).hasValue(5);
    assertThat(start.ordering()).hasValue(5);
  }

  @Test
  void aJournalTransactionLongerThanTheLockTimeoutLeavesNothingRecorded() throws Exception {
    insert(otherNode);
    var start = new JournalStartOrdering();
    try (Connection c = connect()) {
      assertThat(start.recordWhenWritersDone(c, Duration.ofMillis(300))).isEmpty();
      // the connection is usable afterwards, in its own transaction mode
      assertThat(c.getAutoCommit()).isTrue();
      try (Statement st = c.createStatement()) {
        st.execute("SELECT 1");
      }
    }
    assertThat(start.ordering()).isEmpty();
    otherNode.rollback();
  }

  private Connection connect() throws SQLException {
    var db = storage.database();
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }

  private static void insert(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO \"event_journal\" (payload) VALUES ('x')");
    }
  }
}
