package dev.trestle.loadtest.audit;

import dev.trestle.audit.AuditSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Commits one fresh audit row (time: now) before every query call, outside the timed part, as on a
 * live node where changes keep arriving. It also keeps H2 honest: H2 answers a repeated query with
 * the same parameters from its previous result while no table changed, which in a read-only
 * benchmark would turn repeated queries into cache hits.
 */
final class LiveWriter implements AutoCloseable {
  private static final String INSERT =
      "INSERT INTO "
          + AuditSchema.TABLE
          + " (event_time_us, principal, operation, outcome, kind, fqn, version, request_id,"
          + " message, changes_json, source_pid, source_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?)";

  private final Connection connection;
  private final PreparedStatement insert;
  private final AuditRowGenerator generator;
  private long written;

  LiveWriter(dev.trestle.storage.StorageSettings storage, AuditRowGenerator generator)
      throws SQLException {
    this.connection = storage.openConnection();
    this.insert = connection.prepareStatement(INSERT);
    this.generator = generator;
    generator.extend(Long.MAX_VALUE, 1);
  }

  void writeOne() {
    GeneratedRow r = generator.next();
    long now = System.currentTimeMillis() * 1_000L;
    try {
      r.bind(insert, 1, now);
      insert.executeUpdate();
      written++;
    } catch (SQLException e) {
      throw new IllegalStateException("live audit row insert failed: " + e.getMessage(), e);
    }
  }

  long written() {
    return written;
  }

  @Override
  public void close() throws SQLException {
    try {
      insert.close();
    } finally {
      connection.close();
    }
  }
}
