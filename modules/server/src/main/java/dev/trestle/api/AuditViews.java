package dev.trestle.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import dev.trestle.audit.AuditQueries;
import dev.trestle.audit.AuditRow;
import dev.trestle.audit.ResourceHistory;
import dev.trestle.protocol.CanonicalJson;
import dev.trestle.protocol.v1.AuditEntry;
import dev.trestle.protocol.v1.AuditOperation;
import dev.trestle.protocol.v1.AuditOutcome;
import dev.trestle.protocol.v1.AuditQueryResponse;
import dev.trestle.protocol.v1.FieldChange;
import dev.trestle.protocol.v1.HistoryEntry;
import java.time.Instant;
import java.util.List;

/** Audit rows and history versions as protobuf messages. */
final class AuditViews {
  private AuditViews() {}

  /** The response without its entries: token, scan-budget flag and rows examined. */
  static AuditQueryResponse.Builder response(AuditQueries.Page page) {
    return AuditQueryResponse.newBuilder()
        .setNextPageToken(page.nextPageToken())
        .setScanBudgetExhausted(page.scanBudgetExhausted())
        .setRowsExamined((int) Math.min(Integer.MAX_VALUE, page.rowsExamined()));
  }

  static AuditEntry entry(AuditRow row) {
    var b =
        AuditEntry.newBuilder()
            .setId(row.id())
            .setTime(
                Timestamp.newBuilder()
                    .setSeconds(Math.floorDiv(row.timeMicros(), 1_000_000L))
                    .setNanos((int) Math.floorMod(row.timeMicros(), 1_000_000L) * 1000))
            .setPrincipal(row.principal())
            .setOperation(AuditOperation.valueOf(row.operation()))
            .setOutcome(AuditOutcome.valueOf(row.outcome()))
            .setKind(row.kind())
            .setFqn(row.fqn())
            .setVersion(row.version())
            .setRequestId(row.requestId())
            .setMessage(row.message());
    if (row.changesJson() != null) {
      for (JsonNode c : CanonicalJson.parse(row.changesJson())) {
        b.addChanges(
            FieldChange.newBuilder()
                .setPath(c.path("path").asText())
                .setBefore(c.has("before") ? CanonicalJson.write(c.get("before")) : "")
                .setAfter(c.has("after") ? CanonicalJson.write(c.get("after")) : ""));
      }
    }
    return b.build();
  }

  static HistoryEntry historyEntry(ResourceHistory.Version v) {
    List<FieldChange> changes = ResourceHistory.changes(v);
    String summary =
        switch (v.operation()) {
          case "CREATE" -> "created";
          case "DELETE" -> "deleted";
          default ->
              changes.size()
                  + (changes.size() == 1 ? " field changed: " : " fields changed: ")
                  + String.join(", ", changes.stream().map(FieldChange::getPath).limit(8).toList())
                  + (changes.size() > 8 ? ", …" : "");
        };
    return HistoryEntry.newBuilder()
        .setVersion(v.version())
        .setTime(timestamp(v.at()))
        .setPrincipal(v.principal())
        .setOperation(AuditOperation.valueOf(v.operation()))
        .setRequestId(v.requestId())
        .setSummary(summary)
        .addAllChanges(changes)
        .build();
  }

  static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
