package dev.trestle.loadtest.scenarios;

import dev.trestle.storage.StorageSettings;
import java.sql.Connection;

/** Reads what writes left in the node's event journal: its last ordering, rows and bytes since. */
final class JournalRows {
  private JournalRows() {}

  /** The highest ordering in the journal (0 when empty). */
  static long maxOrdering(StorageSettings storage) throws Exception {
    try (Connection c = storage.openConnection();
        var rs =
            c.createStatement()
                .executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows written after {@code ordering} and the sum of their payload bytes. */
  static long[] since(StorageSettings storage, long ordering) throws Exception {
    try (Connection c = storage.openConnection();
        var ps =
            c.prepareStatement(
                "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(\"event_payload\")), 0) FROM"
                    + " \"event_journal\" WHERE \"ordering\" > ?")) {
      ps.setLong(1, ordering);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }
}
