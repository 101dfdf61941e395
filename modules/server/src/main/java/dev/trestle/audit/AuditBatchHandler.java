package dev.trestle.audit;

import dev.trestle.storage.PlainJdbcSession;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Writes the audit rows of a group of events in the group's one transaction (with its offset): one
 * commit per group instead of one per change. On the embedded H2 every commit rewrites the touched
 * B-tree pages under the store's single commit lock, which the journal needs too, so per-event
 * commits here cost config writes throughput (load-tests `writes`).
 */
final class AuditBatchHandler extends JdbcHandler<List<EventEnvelope<Object>>, PlainJdbcSession> {
  private final AuditProjectionHandler rows = new AuditProjectionHandler();

  @Override
  public void process(PlainJdbcSession session, List<EventEnvelope<Object>> envelopes)
      throws Exception {
    for (EventEnvelope<Object> envelope : envelopes) {
      rows.process(session, envelope);
    }
  }
}
