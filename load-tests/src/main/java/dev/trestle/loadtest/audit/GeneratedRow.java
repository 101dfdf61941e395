package dev.trestle.loadtest.audit;

import dev.trestle.audit.AuditRow;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * One generated row for {@code trestle_audit_log}: the server's {@link AuditRow} (its {@code id}
 * unused: the loaders number rows themselves) and the journal position that keys an accepted change
 * ({@code sourcePid} null for a refusal, as the server writes them).
 */
record GeneratedRow(AuditRow row, String sourcePid, long sourceSeq) {

  boolean refused() {
    return AuditRow.REFUSED.equals(row.outcome());
  }

  /**
   * Binds the columns {@code event_time_us, principal, operation, outcome, kind, fqn, version,
   * request_id, message, changes_json, source_pid, source_seq} from parameter {@code first} on.
   */
  void bind(PreparedStatement ps, int first, long timeMicros) throws SQLException {
    ps.setLong(first, timeMicros);
    ps.setString(first + 1, row.principal());
    ps.setString(first + 2, row.operation());
    ps.setString(first + 3, row.outcome());
    ps.setString(first + 4, row.kind());
    ps.setString(first + 5, row.fqn());
    ps.setLong(first + 6, row.version());
    ps.setString(first + 7, row.requestId());
    ps.setString(first + 8, row.message());
    if (row.changesJson() == null) {
      ps.setNull(first + 9, Types.VARCHAR);
    } else {
      ps.setString(first + 9, row.changesJson());
    }
    if (sourcePid == null) {
      ps.setNull(first + 10, Types.VARCHAR);
      ps.setNull(first + 11, Types.BIGINT);
    } else {
      ps.setString(first + 10, sourcePid);
      ps.setLong(first + 11, sourceSeq);
    }
  }
}
